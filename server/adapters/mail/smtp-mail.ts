import nodemailer from 'nodemailer';
import type { MailAdapter, MailMessage } from './mail-adapter.ts';

export function createSmtpMail(smtpUrl: string, from: string): MailAdapter {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    kind: 'smtp',
    async send(message: MailMessage) {
      await transport.sendMail({ from, to: message.to, subject: message.subject, text: message.text, html: message.html });
    },
    async check() {
      await transport.verify();
    },
  };
}
