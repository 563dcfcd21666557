// The credit ledger: every balance change is a row written in the same transaction as the balance.
import { index, integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { orgIdColumn, tstz } from './columns.ts';

export const CREDIT_TRANSACTION_TYPES = ['grant', 'purchase', 'reservation', 'usage', 'refund', 'adjustment'] as const;
export type CreditTransactionType = (typeof CREDIT_TRANSACTION_TYPES)[number];

export const creditTransactions = pgTable(
  'credit_transactions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: orgIdColumn(),
    type: text('type', { enum: CREDIT_TRANSACTION_TYPES }).notNull(),
    amount: integer('amount').notNull(),
    balanceAfter: integer('balance_after').notNull(),
    description: text('description').notNull(),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [index('credit_transactions_org_idx').on(t.orgId, t.createdAt)],
);
