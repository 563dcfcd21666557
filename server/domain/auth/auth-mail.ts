// The mails of the authentication flows. Links are absolute, built from PUBLIC_URL. Sending happens
// after the transaction that issued the token has committed; a transport failure is logged (without
// the message body, which holds the token) and does not undo the action: the user can ask again.
import type { MailMessage } from '../../adapters/mail/mail-adapter.ts';
import type { DomainCtx } from '../context.ts';

const PRODUCT = 'Pixell Agent Cloud';

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

function linkMail(to: string, subject: string, intro: string, action: string, link: string, outro: string): MailMessage {
  const text = `${intro}\n\n${action}:\n${link}\n\n${outro}\n\n— ${PRODUCT}\n`;
  const html =
    `<p>${escapeHtml(intro)}</p>` +
    `<p><a href="${escapeHtml(link)}">${escapeHtml(action)}</a></p>` +
    `<p>Or paste this address into your browser:<br>${escapeHtml(link)}</p>` +
    `<p>${escapeHtml(outro)}</p><p>— ${PRODUCT}</p>`;
  return { to, subject, text, html };
}

export function verificationLink(publicUrl: string, token: string): string {
  return `${publicUrl}/verify-email?token=${encodeURIComponent(token)}`;
}

export function passwordResetLink(publicUrl: string, token: string): string {
  return `${publicUrl}/reset-password?token=${encodeURIComponent(token)}`;
}

export function verificationMail(publicUrl: string, to: string, token: string): MailMessage {
  return linkMail(
    to,
    `Verify your email for ${PRODUCT}`,
    `Welcome to ${PRODUCT}. Please confirm that this is your email address. The link is valid for 24 hours and can be used once.`,
    'Verify my email',
    verificationLink(publicUrl, token),
    'If you did not create an account, you can ignore this message.',
  );
}

export function passwordResetMail(publicUrl: string, to: string, token: string): MailMessage {
  return linkMail(
    to,
    `Reset your ${PRODUCT} password`,
    'Someone (hopefully you) asked to reset the password of your account. The link is valid for 1 hour and can be used once.',
    'Choose a new password',
    passwordResetLink(publicUrl, token),
    'If you did not ask for this, you can ignore this message: your password stays unchanged.',
  );
}

/** Sends a mail; failures are logged, not thrown (see the file comment). */
export async function sendAuthMail(ctx: DomainCtx, message: MailMessage, kind: string): Promise<void> {
  try {
    await ctx.adapters.mail.send(message);
  } catch (err) {
    ctx.log.error({ err: { message: (err as Error)?.message }, mail: kind }, 'could not send mail');
  }
}
