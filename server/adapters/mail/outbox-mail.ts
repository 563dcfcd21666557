import { desc } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Db } from '../../../db/client.ts';
import { mailOutbox } from '../../../db/schema/index.ts';
import type { MailAdapter, MailMessage } from './mail-adapter.ts';

/** Embedded default: messages are stored in the database and logged (subject and recipient only). */
export function createOutboxMail(db: Db, log: Logger): MailAdapter {
  return {
    kind: 'outbox',
    async send(message: MailMessage) {
      const [row] = await db.insert(mailOutbox).values(message).returning({ id: mailOutbox.id });
      log.info({ mailId: row.id, to: message.to, subject: message.subject }, 'mail stored in outbox (GET /api/dev/outbox)');
    },
    async check() {
      await db.select({ id: mailOutbox.id }).from(mailOutbox).limit(1);
    },
  };
}

export async function listOutbox(db: Db, limit = 100) {
  return db.select().from(mailOutbox).orderBy(desc(mailOutbox.createdAt)).limit(limit);
}
