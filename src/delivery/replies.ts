// What a mail server's refusal means for the email: a 5xx reply is permanent (RFC 5321 §4.2.1),
// so the email fails at once, as retrying a refused address only hurts the sender's reputation;
// a 4xx reply, a dropped connection or a timeout is temporary and retried with backoff. The one
// place for that rule, used by invitation and account emails alike. Needs nothing but the error.

/** The SMTP reply code nodemailer attached to a refusal, if the server answered at all. */
export function replyCode(error: unknown): number | undefined {
  const code = (error as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === 'number' ? code : undefined;
}

/** True when the server refused for good (a 5xx reply): no retry. */
export function isPermanent(error: unknown): boolean {
  const code = replyCode(error);
  return code !== undefined && code >= 500 && code < 600;
}

/** The refusal as recorded in lastError and the timeline: nodemailer's message carries the reply. */
export const refusalText = (error: unknown) => (error instanceof Error ? error.message : String(error));
