// The invitation email. The link is absolute (config.publicUrl) and carries the only copy of the
// token; the database holds its SHA-256.
import type { MailMessage } from '../../adapters/mail/mail-adapter.ts';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

export function invitationLink(publicUrl: string, token: string): string {
  return `${publicUrl}/accept-invitation?token=${encodeURIComponent(token)}`;
}

export function invitationMail(input: {
  to: string;
  organizationName: string;
  inviterEmail: string | null;
  role: 'admin' | 'member';
  link: string;
  expiresAt: Date;
}): MailMessage {
  const inviter = input.inviterEmail ?? 'A team member';
  const roleText = input.role === 'admin' ? 'an admin' : 'a member';
  const expires = input.expiresAt.toUTCString();
  const text = [
    `${inviter} invited you to join "${input.organizationName}" on Pixell Agent Cloud as ${roleText}.`,
    '',
    `Accept the invitation: ${input.link}`,
    '',
    `The link expires on ${expires}. If you were not expecting this invitation, you can ignore this email.`,
  ].join('\n');
  const html = [
    `<p>${escapeHtml(inviter)} invited you to join <strong>${escapeHtml(input.organizationName)}</strong> on Pixell Agent Cloud as ${roleText}.</p>`,
    `<p><a href="${escapeHtml(input.link)}">Accept the invitation</a></p>`,
    `<p>The link expires on ${escapeHtml(expires)}. If you were not expecting this invitation, you can ignore this email.</p>`,
  ].join('\n');
  return { to: input.to, subject: `You're invited to join ${input.organizationName} on Pixell Agent Cloud`, text, html };
}
