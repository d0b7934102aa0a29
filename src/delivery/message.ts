// The emails we send, in plain text and HTML: the invitation (everything the inviter wrote is
// escaped) and the account emails (a password reset, an email verification).
import type { Mail } from './mailer.js';

export interface InvitationMailFacts {
  from: string;
  to: string;
  messageId: string;
  organizationName: string;
  inviterName: string | null;
  role: string;
  message: string | null;
  link: string;
  expiresAt: Date;
  /** An open-tracking image, when tracking is on. */
  trackingPixel?: string | null;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

export function composeInvitationMail(facts: InvitationMailFacts): Mail {
  const who = facts.inviterName ?? 'Someone';
  const role = facts.role.toLowerCase();
  const expires = facts.expiresAt.toUTCString();
  const text = [
    `${who} invited you to join ${facts.organizationName} as ${role === 'admin' ? 'an' : 'a'} ${role}.`,
    ...(facts.message ? ['', facts.message] : []),
    '',
    `Accept the invitation: ${facts.link}`,
    '',
    `The link works once and expires on ${expires}.`,
  ].join('\n');
  const html = `<!doctype html>
<html><body style="font-family: sans-serif; line-height: 1.5">
<p>${escapeHtml(who)} invited you to join <strong>${escapeHtml(facts.organizationName)}</strong> as ${escapeHtml(role)}.</p>
${facts.message ? `<blockquote style="white-space: pre-wrap">${escapeHtml(facts.message)}</blockquote>` : ''}
<p><a href="${escapeHtml(facts.link)}">Accept the invitation</a></p>
<p style="color: #666">The link works once and expires on ${escapeHtml(expires)}.</p>
${facts.trackingPixel ? `<img src="${escapeHtml(facts.trackingPixel)}" width="1" height="1" alt="">` : ''}
</body></html>`;
  return {
    from: facts.from,
    to: facts.to,
    subject: `${who} invited you to ${facts.organizationName}`,
    text,
    html,
    messageId: facts.messageId,
    link: facts.link,
  };
}

export interface AccountMailFacts {
  from: string;
  to: string;
  messageId: string;
  purpose: 'PASSWORD_RESET' | 'EMAIL_VERIFICATION';
  link: string;
  expiresAt: Date;
}

const ACCOUNT_MAILS = {
  PASSWORD_RESET: {
    subject: 'Reset your password',
    intro: 'Someone asked to reset the password of the account for this address.',
    action: 'Choose a new password',
    otherwise: 'If it was not you, ignore this email: your password stays as it is.',
  },
  EMAIL_VERIFICATION: {
    subject: 'Confirm your email address',
    intro: 'An account was made with this address.',
    action: 'Confirm the address',
    otherwise: 'If it was not you, ignore this email: the address stays unconfirmed.',
  },
} as const;

export function composeAccountMail(facts: AccountMailFacts): Mail {
  const words = ACCOUNT_MAILS[facts.purpose];
  const expires = facts.expiresAt.toUTCString();
  const text = [
    words.intro,
    '',
    `${words.action}: ${facts.link}`,
    '',
    `The link works once and expires on ${expires}. ${words.otherwise}`,
  ].join('\n');
  const html = `<!doctype html>
<html><body style="font-family: sans-serif; line-height: 1.5">
<p>${escapeHtml(words.intro)}</p>
<p><a href="${escapeHtml(facts.link)}">${escapeHtml(words.action)}</a></p>
<p style="color: #666">The link works once and expires on ${escapeHtml(expires)}. ${escapeHtml(words.otherwise)}</p>
</body></html>`;
  return {
    from: facts.from,
    to: facts.to,
    subject: words.subject,
    text,
    html,
    messageId: facts.messageId,
    link: facts.link,
  };
}
