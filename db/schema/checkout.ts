// Credit top-ups: the Checkout Sessions this app created (Stripe or the embedded local checkout), and
// one fulfilment row per paid session. The fulfilment's primary key is the session id, inserted in
// the same transaction as the ledger credit: a session can credit an organization exactly once,
// however many times (and however concurrently) its events are delivered.
import { index, integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { users } from './auth.ts';
import { creditTransactions } from './billing.ts';
import { orgIdColumn, tstz } from './columns.ts';

export const CHECKOUT_PROVIDERS = ['stripe', 'local'] as const;
export type CheckoutProvider = (typeof CHECKOUT_PROVIDERS)[number];
export const CHECKOUT_STATUSES = ['open', 'completed', 'cancelled', 'expired', 'failed'] as const;
export type CheckoutStatus = (typeof CHECKOUT_STATUSES)[number];

export const checkoutSessions = pgTable(
  'checkout_sessions',
  {
    /** Stripe's `cs_…` id, or `cs_local_…` for the embedded checkout. */
    id: text('id').primaryKey(),
    orgId: orgIdColumn(),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    provider: text('provider', { enum: CHECKOUT_PROVIDERS }).notNull(),
    /** A package id from the configuration, or `custom`. */
    package: text('package').notNull(),
    credits: integer('credits').notNull(),
    amountCents: integer('amount_cents').notNull(),
    currency: text('currency').notNull(),
    status: text('status', { enum: CHECKOUT_STATUSES }).notNull().default('open'),
    url: text('url').notNull(),
    expiresAt: tstz('expires_at').notNull(),
    completedAt: tstz('completed_at'),
    cancelledAt: tstz('cancelled_at'),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [index('checkout_sessions_org_idx').on(t.orgId, t.createdAt)],
);

export const checkoutFulfillments = pgTable(
  'checkout_fulfillments',
  {
    sessionId: text('session_id').primaryKey(),
    orgId: orgIdColumn(),
    credits: integer('credits').notNull(),
    amountCents: integer('amount_cents'),
    currency: text('currency'),
    source: text('source', { enum: CHECKOUT_PROVIDERS }).notNull(),
    /** The Stripe event that fulfilled the session (null for the local checkout). */
    stripeEventId: text('stripe_event_id'),
    creditTransactionId: uuid('credit_transaction_id').references(() => creditTransactions.id, { onDelete: 'set null' }),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [index('checkout_fulfillments_org_idx').on(t.orgId, t.createdAt)],
);
