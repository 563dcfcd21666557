// Section 8 of rest-api.md: the Stripe webhook (server/rest/stripe-webhook.ts).
import { z } from 'zod';
import type { RouteDoc } from '../route-doc.ts';

export const stripeRouteDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/api/stripe/webhook',
    operationId: 'stripeWebhook',
    summary: 'Stripe webhook endpoint (called by Stripe)',
    description:
      'The signature is verified over the raw body (STRIPE_WEBHOOK_SECRET, 300 s tolerance). `checkout.session.completed` (paid) and `checkout.session.async_payment_succeeded` credit exactly once per Checkout Session; other events are acknowledged.',
    tags: ['Credits & billing'],
    auth: 'stripeSignature',
    noRateLimit: true,
    noCsrf: true,
    request: {
      raw: { contentType: 'application/json', description: 'The Stripe event exactly as Stripe sent it.' },
      headers: { 'Stripe-Signature': { description: '`t=<unix seconds>,v1=<hex HMAC-SHA256>`', required: true } },
    },
    responses: { 200: { description: 'Event received.', schema: z.strictObject({ received: z.literal(true) }) } },
    errors: { 400: 'Missing or bad signature, or a body that is not a Stripe event (nothing happens).', 413: 'Body larger than 1 MiB.' },
  },
];
