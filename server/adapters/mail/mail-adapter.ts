// The mail adapter: SMTP (nodemailer) when SMTP_URL is set, otherwise the outbox stored in the
// database, logged, and listed at GET /api/dev/outbox outside production.
export type MailMessage = {
  to: string;
  subject: string;
  text: string;
  html: string;
};

export interface MailAdapter {
  readonly kind: 'smtp' | 'outbox';
  send(message: MailMessage): Promise<void>;
  /** Verifies the transport answers (health check). */
  check(): Promise<void>;
}
