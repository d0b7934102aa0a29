// The pages an emailed link opens: /invite/<token>#proof=… (preview, join, log in and accept,
// decline), /reset-password#token=… and /verify-email#token=…. Plain DOM and fetch: a phone on a
// poor connection downloads a few kilobytes, not a framework.
import './style.css';
import {
  AcceptInvitationDocument,
  type AcceptInvitationMutation,
  DeclineInvitationDocument,
  InvitationPreviewDocument,
  type InvitationPreviewQuery,
  LinkLogInDocument,
  ResetPasswordDocument,
  VerifyEmailDocument,
} from '../gql/graphql.js';
import { loadSession, NetworkError, request, type Session, saveSession } from '../shared/api.js';
import { field, h } from './dom.js';

const main = document.querySelector('main') as HTMLElement;
const status = document.getElementById('status') as HTMLElement;
const alert = document.getElementById('alert') as HTMLElement;

const OFFLINE = 'We could not reach the server. Check your connection, then try again.';
const DEAD_LINK =
  'This invitation link does not work. It may have expired, been used already, or been withdrawn. Ask the person who invited you to send a new one.';

/** Announces `text` (role=status, polite) and clears any error. */
function say(text: string) {
  alert.textContent = '';
  status.textContent = text;
}

/** Announces an error at once (role=alert) and puts focus where the person can act on it. */
function fail(text: string, focus?: HTMLElement) {
  status.textContent = '';
  alert.textContent = text;
  focus?.focus();
}

function show(...children: (Node | null)[]) {
  main.replaceChildren(...children.filter((c): c is Node => c !== null));
  const heading = main.querySelector('h1');
  heading?.setAttribute('tabindex', '-1');
  heading?.focus();
}

/** Runs `work` with `button` showing that it is working and unusable twice; network failures are said. */
async function busy(button: HTMLButtonElement, working: string, work: () => Promise<void>) {
  const label = button.textContent;
  button.disabled = true;
  button.textContent = working;
  main.setAttribute('aria-busy', 'true');
  say(working);
  try {
    await work();
  } catch (error) {
    fail(error instanceof NetworkError ? OFFLINE : 'Something went wrong on our side. Try again in a moment.', button);
  } finally {
    button.disabled = false;
    button.textContent = label;
    main.removeAttribute('aria-busy');
  }
}

const fragment = (name: string) => new URLSearchParams(location.hash.slice(1)).get(name) ?? undefined;

const ROLE: Record<string, string> = { OWNER: 'an owner', ADMIN: 'an admin', MEMBER: 'a member' };

function sessionFrom(auth: { token: string; expiresAt: string; user: { email: string; name: string } }): Session {
  return { token: auth.token, expiresAt: auth.expiresAt, email: auth.user.email, name: auth.user.name };
}

function deadLink() {
  show(h('h1', {}, 'This link does not work'), h('p', {}, DEAD_LINK));
  fail(DEAD_LINK);
}

// ---- /invite/<token> ----

type Preview = Extract<NonNullable<InvitationPreviewQuery['invitationByToken']>, { __typename: 'InvitationPreview' }>;

async function invitePage(token: string) {
  const proof = fragment('proof');
  show(h('h1', {}, 'Your invitation'), h('p', {}, 'Loading the invitation…'));
  say('Loading the invitation…');
  let result: InvitationPreviewQuery['invitationByToken'];
  try {
    result = (await request(InvitationPreviewDocument, { token })).invitationByToken;
  } catch {
    const retry = h('button', { type: 'button', onclick: () => void invitePage(token) }, 'Try again');
    show(h('h1', {}, 'Your invitation'), h('p', {}, OFFLINE), retry);
    fail(OFFLINE);
    return;
  }
  if (result?.__typename === 'TooManyAttemptsError') {
    show(h('h1', {}, 'Your invitation'), h('p', {}, result.message));
    fail(result.message);
    return;
  }
  if (result?.__typename !== 'InvitationPreview') return deadLink();
  renderInvitation(token, proof, result);
}

function renderInvitation(token: string, proof: string | undefined, preview: Preview) {
  const session = loadSession();
  const expires = new Date(preview.expiresAt).toLocaleString(undefined, { dateStyle: 'long', timeStyle: 'short' });
  const summary = h(
    'section',
    { class: 'card', 'aria-labelledby': 'invite-title' },
    h('h1', { id: 'invite-title' }, `Join ${preview.organizationName}`),
    h(
      'p',
      {},
      `${preview.inviterName ?? 'Someone'} invited ${preview.maskedEmail} to join as ${ROLE[preview.role] ?? preview.role}.`,
    ),
    preview.note ? h('blockquote', { class: 'note' }, preview.note) : null,
    h('p', { class: 'muted' }, `The invitation works until ${expires}.`),
  );

  const accept = async (auth: Session | null, extra: { name?: string; password?: string }, focus: HTMLElement) => {
    const result = (await request(AcceptInvitationDocument, { input: { token, proof, ...extra } }, auth?.token))
      .acceptInvitation;
    onAccepted(result, auth, focus, preview);
  };

  const actions: HTMLElement[] = [];
  if (session) {
    const button = h('button', { type: 'submit' }, 'Accept invitation');
    actions.push(
      h(
        'form',
        {
          class: 'card',
          onsubmit: (event: Event) => {
            event.preventDefault();
            void busy(button, 'Accepting…', () => accept(session, {}, button));
          },
        },
        h('h2', {}, 'Accept'),
        h('p', {}, `You are signed in as ${session.email}.`),
        button,
        h(
          'button',
          {
            type: 'button',
            class: 'link',
            onclick: () => {
              saveSession(null);
              renderInvitation(token, proof, preview);
              say('Signed out.');
            },
          },
          'Not you? Sign out',
        ),
      ),
    );
  } else {
    actions.push(joinForm(preview, proof, accept), logInForm(preview, accept));
  }
  actions.push(declineForm(token, session));
  show(summary, ...actions);
}

type Accept = (auth: Session | null, extra: { name?: string; password?: string }, focus: HTMLElement) => Promise<void>;

function joinForm(preview: Preview, proof: string | undefined, accept: Accept) {
  const name = field('Your name', { autocomplete: 'name', required: true, maxlength: '100' });
  const password = field(
    'Choose a password',
    { type: 'password', autocomplete: 'new-password', required: true, minlength: '10', maxlength: '128' },
    '10 to 128 characters.',
  );
  const button = h('button', { type: 'submit' }, 'Join');
  const form = h(
    'form',
    {
      class: 'card',
      id: 'join',
      onsubmit: (event: Event) => {
        event.preventDefault();
        void busy(button, 'Joining…', () =>
          accept(null, { name: name.control.value, password: password.control.value }, name.control),
        );
      },
    },
    h('h2', {}, 'New here? Join in one step'),
    proof
      ? h('p', {}, `An account for ${preview.maskedEmail} is made with your name and password.`)
      : h(
          'p',
          { class: 'warning' },
          'To join as a new account, open the link in the invitation email itself: this address lacks its proof that the email reached you.',
        ),
    name.element,
    password.element,
    button,
  );
  return form;
}

function logInForm(preview: Preview, accept: Accept) {
  const email = field('Email', { type: 'email', autocomplete: 'email', required: true });
  const password = field('Password', { type: 'password', autocomplete: 'current-password', required: true });
  const button = h('button', { type: 'submit' }, 'Log in and accept');
  return h(
    'form',
    {
      class: 'card',
      id: 'log-in',
      onsubmit: (event: Event) => {
        event.preventDefault();
        void busy(button, 'Logging in…', async () => {
          const result = (
            await request(LinkLogInDocument, {
              input: { email: email.control.value, password: password.control.value },
            })
          ).logIn;
          if (result?.__typename !== 'AuthPayload') {
            fail(
              result && 'message' in result ? result.message : 'That email and password do not match.',
              email.control,
            );
            return;
          }
          const session = sessionFrom(result);
          saveSession(session);
          await accept(session, {}, button);
        });
      },
    },
    h('h2', {}, 'Already have an account?'),
    h('p', {}, `Log in with the invited address (${preview.maskedEmail}) to accept.`),
    email.element,
    password.element,
    button,
  );
}

function declineForm(token: string, session: Session | null) {
  const reason = field(
    'Reason (optional)',
    { type: 'textarea', maxlength: '500', rows: '3' },
    'Shared with the organization.',
  );
  const button = h('button', { type: 'submit', class: 'secondary' }, 'Decline invitation');
  return h(
    'form',
    {
      class: 'card',
      id: 'decline',
      onsubmit: (event: Event) => {
        event.preventDefault();
        void busy(button, 'Declining…', async () => {
          const text = reason.control.value.trim();
          const result = (
            await request(DeclineInvitationDocument, { input: { token, reason: text || undefined } }, session?.token)
          ).declineInvitation;
          if (result?.__typename === 'DeclineInvitationPayload') {
            show(
              h('h1', {}, 'Invitation declined'),
              h('p', {}, 'Thank you for letting them know. You can close this page.'),
            );
            say('Invitation declined.');
          } else if (result?.__typename === 'InvalidTokenError') {
            deadLink();
          } else {
            fail(result?.message ?? 'The invitation could not be declined.', reason.control);
          }
        });
      },
    },
    h('h2', {}, 'Not for you?'),
    reason.element,
    button,
  );
}

function onAccepted(
  result: AcceptInvitationMutation['acceptInvitation'],
  signedIn: Session | null,
  focus: HTMLElement,
  preview: Preview,
) {
  switch (result?.__typename) {
    case 'AcceptInvitationPayload': {
      const session = result.auth ? sessionFrom(result.auth) : signedIn;
      if (session) saveSession(session);
      show(
        h('h1', {}, `Welcome to ${result.membership.organization.name}`),
        h('p', {}, `You joined as ${ROLE[result.membership.role] ?? result.membership.role}.`),
        h('p', {}, h('a', { href: '/' }, 'Open the console')),
      );
      say(`You joined ${result.membership.organization.name}.`);
      return;
    }
    case 'InvalidTokenError':
      return deadLink();
    case 'AccountExistsError': {
      const login = document.querySelector<HTMLInputElement>('#log-in input');
      fail(
        `An account already uses ${preview.maskedEmail}. Log in with it to accept, or reset its password.`,
        login ?? focus,
      );
      return;
    }
    case 'EmailMismatchError':
      fail(
        `This invitation is for ${preview.maskedEmail}, and you are signed in as ${signedIn?.email ?? 'another address'}. Sign out, then log in with the invited address.`,
        focus,
      );
      return;
    case 'MailboxProofRequiredError':
      fail(
        'To accept, open the link in the invitation email itself (the link you were shown elsewhere lacks its proof), or log in with a verified account for the invited address.',
        focus,
      );
      return;
    case 'InputValidationError':
      fail(result.issues.map((issue) => issue.message).join(' ') || result.message, focus);
      return;
    default:
      fail(result?.message ?? 'The invitation could not be accepted.', focus);
  }
}

// ---- /reset-password#token=… ----

function resetPage(token: string | undefined) {
  if (!token) return badAccountLink();
  const password = field(
    'New password',
    { type: 'password', autocomplete: 'new-password', required: true, minlength: '10', maxlength: '128' },
    '10 to 128 characters.',
  );
  const button = h('button', { type: 'submit' }, 'Set password');
  show(
    h(
      'form',
      {
        class: 'card',
        onsubmit: (event: Event) => {
          event.preventDefault();
          void busy(button, 'Saving…', async () => {
            const result = (
              await request(ResetPasswordDocument, { input: { token, password: password.control.value } })
            ).resetPassword;
            if (result?.__typename === 'ResetPasswordPayload') {
              saveSession(sessionFrom(result.auth));
              show(h('h1', {}, 'Password changed'), h('p', {}, h('a', { href: '/' }, 'Open the console')));
              say('Password changed. You are signed in.');
            } else if (result?.__typename === 'InvalidAccountLinkError') {
              badAccountLink();
            } else {
              fail(result?.message ?? 'The password could not be changed.', password.control);
            }
          });
        },
      },
      h('h1', {}, 'Choose a new password'),
      password.element,
      button,
    ),
  );
}

// ---- /verify-email#token=… ----

async function verifyPage(token: string | undefined) {
  if (!token) return badAccountLink();
  const session = loadSession();
  if (!session) {
    show(
      h('h1', {}, 'Confirm your email address'),
      h('p', {}, 'Log in to the account in this browser tab first, then open the link from the email again.'),
      h('p', {}, h('a', { href: '/' }, 'Log in')),
    );
    return;
  }
  show(h('h1', {}, 'Confirming your email address…'));
  say('Confirming your email address…');
  try {
    const result = (await request(VerifyEmailDocument, { input: { token } }, session.token)).verifyEmail;
    if (result?.__typename === 'VerifyEmailPayload') {
      show(h('h1', {}, 'Email address confirmed'), h('p', {}, `${result.user.email} is confirmed.`));
      say('Email address confirmed.');
    } else if (result?.__typename === 'InvalidAccountLinkError') {
      badAccountLink();
    } else {
      fail(result?.message ?? 'The address could not be confirmed.');
    }
  } catch {
    fail(OFFLINE);
  }
}

function badAccountLink() {
  const text =
    'This link does not work: it may have expired or been used already. Ask for a new email from the console.';
  show(h('h1', {}, 'This link does not work'), h('p', {}, text));
  fail(text);
}

const invite = /^\/invite\/([^/]+)\/?$/.exec(location.pathname);
if (invite?.[1]) void invitePage(decodeURIComponent(invite[1]));
else if (location.pathname === '/reset-password') resetPage(fragment('token'));
else if (location.pathname === '/verify-email') void verifyPage(fragment('token'));
else deadLink();
