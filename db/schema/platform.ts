// Platform plumbing: the mail outbox (embedded mail adapter) and shared rate-limit counters.
import { integer, pgTable, text, uuid, index } from 'drizzle-orm/pg-core';
import { tstz } from './columns.ts';

export const mailOutbox = pgTable(
  'mail_outbox',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    to: text('to').notNull(),
    subject: text('subject').notNull(),
    text: text('text').notNull(),
    html: text('html').notNull(),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [index('mail_outbox_created_idx').on(t.createdAt)],
);

/** Fixed-window request counters shared by every server process (express-rate-limit store). */
export const rateLimitCounters = pgTable('rate_limit_counters', {
  key: text('key').primaryKey(),
  hits: integer('hits').notNull(),
  resetAt: tstz('reset_at').notNull(),
});
