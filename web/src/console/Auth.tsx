// Signing up (an account and its first organization) and logging in; both end in a session. And
// asking for a password reset link, for whoever forgot theirs (the link opens /reset-password).
import { useState } from 'react';
import { useMutation } from 'urql';
import type { Session } from '../shared/api.js';
import { LogIn, RequestPasswordReset, SignUp } from './documents.js';
import { explain, type FieldErrors, OFFLINE } from './errors.js';
import { Field, FormError } from './Field.js';

export function Auth({ onSession }: { onSession: (session: Session) => void }) {
  const [mode, setMode] = useState<'logIn' | 'signUp' | 'reset'>('logIn');
  return (
    <div className="card">
      {mode === 'logIn' && <LogInForm onSession={onSession} />}
      {mode === 'signUp' && <SignUpForm onSession={onSession} />}
      {mode === 'reset' && <ResetRequestForm />}
      {mode === 'logIn' && (
        <p>
          <button type="button" className="link" onClick={() => setMode('reset')}>
            Forgot your password?
          </button>
        </p>
      )}
      <p>
        {mode === 'signUp' ? 'Have an account? ' : 'New here? '}
        <button type="button" className="link" onClick={() => setMode(mode === 'signUp' ? 'logIn' : 'signUp')}>
          {mode === 'signUp' ? 'Log in instead' : 'Create an account'}
        </button>
        {mode === 'reset' && (
          <>
            {' '}
            <button type="button" className="link" onClick={() => setMode('logIn')}>
              Back to log in
            </button>
          </>
        )}
      </p>
    </div>
  );
}

const text = (form: FormData, name: string) => String(form.get(name) ?? '');

function LogInForm({ onSession }: { onSession: (session: Session) => void }) {
  const [{ fetching }, logIn] = useMutation(LogIn);
  const [errors, setErrors] = useState<FieldErrors>({});
  return (
    <form
      noValidate
      onSubmit={async (event) => {
        event.preventDefault();
        const form = new FormData(event.currentTarget);
        const result = await logIn({ input: { email: text(form, 'email'), password: text(form, 'password') } });
        const payload = result.data?.logIn;
        if (payload?.__typename === 'AuthPayload') {
          onSession({ token: payload.token, expiresAt: payload.expiresAt, ...payload.user });
        } else setErrors(payload ? explain(payload) : { form: OFFLINE });
      }}
    >
      <h1>Log in</h1>
      <Field id="login-email" label="Email" error={errors.email}>
        {(props) => <input {...props} name="email" type="email" autoComplete="email" required />}
      </Field>
      <Field id="login-password" label="Password" error={errors.password}>
        {(props) => <input {...props} name="password" type="password" autoComplete="current-password" required />}
      </Field>
      <button type="submit" disabled={fetching}>
        {fetching ? 'Logging in…' : 'Log in'}
      </button>
      <FormError text={errors.form} />
    </form>
  );
}

function SignUpForm({ onSession }: { onSession: (session: Session) => void }) {
  const [{ fetching }, signUp] = useMutation(SignUp);
  const [errors, setErrors] = useState<FieldErrors>({});
  return (
    <form
      noValidate
      onSubmit={async (event) => {
        event.preventDefault();
        const form = new FormData(event.currentTarget);
        const input = {
          name: text(form, 'name'),
          email: text(form, 'email'),
          password: text(form, 'password'),
          organizationName: text(form, 'organizationName'),
        };
        // The API checks everything; these two are said here before a round trip.
        const local: FieldErrors = {};
        if (!input.name.trim()) local.name = 'Enter your name.';
        if (!input.organizationName.trim()) local.organizationName = 'Enter a name for your organization.';
        if (input.password.length < 10) local.password = 'Use at least 10 characters.';
        if (Object.keys(local).length) return setErrors(local);
        const result = await signUp({ input });
        const payload = result.data?.signUp;
        if (payload?.__typename === 'SignUpPayload') {
          onSession({ token: payload.token, expiresAt: payload.expiresAt, ...payload.user });
        } else setErrors(payload ? explain(payload) : { form: OFFLINE });
      }}
    >
      <h1>Create an account</h1>
      <Field id="signup-name" label="Your name" error={errors.name}>
        {(props) => <input {...props} name="name" autoComplete="name" required />}
      </Field>
      <Field id="signup-email" label="Email" error={errors.email}>
        {(props) => <input {...props} name="email" type="email" autoComplete="email" required />}
      </Field>
      <Field id="signup-password" label="Password" hint="10 to 128 characters." error={errors.password}>
        {(props) => <input {...props} name="password" type="password" autoComplete="new-password" required />}
      </Field>
      <Field id="signup-organization" label="Organization name" error={errors.organizationName}>
        {(props) => <input {...props} name="organizationName" autoComplete="organization" required />}
      </Field>
      <button type="submit" disabled={fetching}>
        {fetching ? 'Creating your account…' : 'Create account'}
      </button>
      <FormError text={errors.form} />
    </form>
  );
}

function ResetRequestForm() {
  const [{ fetching }, request] = useMutation(RequestPasswordReset);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [sentTo, setSentTo] = useState('');
  return (
    <form
      noValidate
      onSubmit={async (event) => {
        event.preventDefault();
        setErrors({});
        setSentTo('');
        const result = await request({ input: { email: text(new FormData(event.currentTarget), 'email') } });
        const payload = result.data?.requestPasswordReset;
        if (payload?.__typename === 'RequestPasswordResetPayload') setSentTo(payload.email);
        else setErrors(payload ? explain(payload) : { form: OFFLINE });
      }}
    >
      <h1>Reset your password</h1>
      <Field id="reset-email" label="Email" hint="We email a link to choose a new password." error={errors.email}>
        {(props) => <input {...props} name="email" type="email" autoComplete="email" required />}
      </Field>
      <button type="submit" disabled={fetching}>
        {fetching ? 'Sending…' : 'Email me a link'}
      </button>
      <FormError text={errors.form} />
      <p role="status">
        {sentTo &&
          `If an account uses ${sentTo}, a link to choose a new password is on its way. It works once; check your spam folder if it does not arrive.`}
      </p>
    </form>
  );
}
