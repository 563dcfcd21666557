// Section 6 of rest-api.md: credits & billing, plus the package list and the local checkout's
// session routes (server/rest/credits.ts).
import { z } from 'zod';
import { CREDIT_TRANSACTION_TYPE_VALUES, checkoutSessionIdInput, creditHistoryQuery, topupInput } from '../../../domain/billing/billing-schemas.ts';
import { count, id, nullableTimestamp, timestamp } from '../common-schemas.ts';
import type { RouteDoc } from '../route-doc.ts';

const tags = ['Credits & billing'];

export const checkoutSessionSchema = z
  .strictObject({
    id: z.string().describe('`cs_…` (Stripe) or `cs_local_…` (the embedded checkout).'),
    status: z.enum(['open', 'completed', 'cancelled', 'expired', 'failed']),
    provider: z.enum(['stripe', 'local']),
    package: z.string().describe('A package id, or `custom`.'),
    credits: count,
    amount_cents: count,
    currency: z.string(),
    url: z.string(),
    payable: z.boolean().describe('The local checkout can be paid now.'),
    success_url: z.string(),
    cancel_url: z.string(),
    created_at: timestamp,
    expires_at: timestamp,
    completed_at: nullableTimestamp,
    cancelled_at: nullableTimestamp,
  })
  .meta({ id: 'CheckoutSession' });

const checkoutParams = checkoutSessionIdInput;
const noSession = 'No such Checkout Session in the organization.';

export const creditRouteDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/credits/balance',
    operationId: 'getCreditBalance',
    summary: 'Current credit balance',
    tags,
    auth: 'apiKeyOrSession',
    role: 'member',
    responses: {
      200: {
        description: 'The balance.',
        schema: z.strictObject({
          credits: z.number().int(),
          usage_this_month: count.describe('Credits consumed this UTC month.'),
          last_topped_up: nullableTimestamp,
        }),
      },
    },
  },
  {
    method: 'get',
    path: '/api/credits/history',
    operationId: 'listCreditHistory',
    summary: 'Credit ledger, newest first',
    tags,
    auth: 'apiKeyOrSession',
    role: 'member',
    request: { query: creditHistoryQuery },
    responses: {
      200: {
        description: 'One page; pass `next_cursor` as `cursor` for the next one (null on the last page).',
        schema: z.strictObject({
          transactions: z.array(
            z.strictObject({
              id,
              type: z.enum(CREDIT_TRANSACTION_TYPE_VALUES),
              amount: z.number().int().describe('Positive for credits in, negative for credits out.'),
              balance_after: z.number().int(),
              description: z.string().nullable(),
              created_at: timestamp,
            }),
          ),
          next_cursor: z.string().nullable(),
        }),
      },
    },
   
  },
  {
    method: 'get',
    path: '/api/credits/packages',
    operationId: 'listCreditPackages',
    summary: 'Credit packages on offer and the bounds of a custom top-up',
    tags,
    auth: 'apiKeyOrSession',
    role: 'member',
    responses: {
      200: {
        description: 'The offer.',
        schema: z.strictObject({
          packages: z.array(z.strictObject({ id: z.string(), name: z.string(), credits: count, price_cents: count, currency: z.string() })),
          custom: z.strictObject({ min_credits: count, max_credits: count, price_cents_per_credit: count, currency: z.string() }),
          provider: z.enum(['stripe', 'local']),
        }),
      },
    },
  },
  {
    method: 'post',
    path: '/api/credits/topup',
    operationId: 'createTopup',
    summary: 'Start a credit top-up (a Checkout Session)',
    description:
      'A named package (credits, if given, must match it) or `custom` with credits within the bounds. With STRIPE_SECRET_KEY a Stripe Checkout Session, otherwise the embedded local checkout (`cs_local_…`).',
    tags,
    auth: 'apiKeyOrSession',
    role: 'admin',
    request: { body: topupInput },
    responses: {
      200: { description: 'Where to pay.', schema: z.strictObject({ sessionUrl: z.string(), sessionId: z.string() }) },
    },
    errors: { 400: 'Invalid input or an unknown package.', 502: 'Stripe answered with an error (PAYMENT_PROVIDER_ERROR).' },
  },
  {
    method: 'get',
    path: '/api/credits/checkout/:id',
    operationId: 'getCheckoutSession',
    summary: 'A Checkout Session of the organization',
    tags,
    auth: 'apiKeyOrSession',
    role: 'member',
    request: { params: checkoutParams },
    responses: { 200: { description: 'The session.', schema: z.strictObject({ session: checkoutSessionSchema }) } },
    errors: { 400: 'Not a Checkout Session id.', 404: noSession },
  },
  {
    method: 'post',
    path: '/api/credits/checkout/:id/pay',
    operationId: 'payLocalCheckout',
    summary: 'Pay a local Checkout Session (embedded checkout only)',
    description: 'Runs the same fulfilment as the Stripe webhook. `balance` is null when the session was already completed.',
    tags,
    auth: 'apiKeyOrSession',
    role: 'admin',
    request: { params: checkoutParams },
    responses: {
      200: { description: 'Paid.', schema: z.strictObject({ session: checkoutSessionSchema, balance: z.number().int().nullable() }) },
    },
    errors: { 400: 'Not a Checkout Session id.', 404: noSession, 409: 'The session is not payable (cancelled, expired, or a Stripe session).' },
  },
  {
    method: 'post',
    path: '/api/credits/checkout/:id/cancel',
    operationId: 'cancelCheckoutSession',
    summary: 'Cancel an open Checkout Session',
    tags,
    auth: 'apiKeyOrSession',
    role: 'admin',
    request: { params: checkoutParams },
    responses: { 200: { description: 'Cancelled.', schema: z.strictObject({ session: checkoutSessionSchema }) } },
    errors: { 400: 'Not a Checkout Session id.', 404: noSession, 409: 'The session is already completed.' },
  },
];
