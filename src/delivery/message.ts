// The invitation email, in plain text and HTML; everything the inviter wrote is escaped.
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
