import type { Logger } from 'pino';
import type { Db } from '../../../db/client.ts';
import type { Config } from '../../config.ts';
import type { MailAdapter } from './mail-adapter.ts';
import { createOutboxMail } from './outbox-mail.ts';
import { createSmtpMail } from './smtp-mail.ts';

export function createMailAdapter(config: Config, db: Db, log: Logger): MailAdapter {
  return config.smtpUrl ? createSmtpMail(config.smtpUrl, config.mailFrom) : createOutboxMail(db, log);
}
