// Section 8 of the REST doc: POST /api/stripe/webhook. The signature is computed over the exact
// bytes Stripe sent, so this router reads the RAW body itself and must be mounted before
// express.json() (and before the per-IP rate limit: Stripe's retries must not be throttled away).
// Missing or bad signature → 400 and nothing happens; every verified event → 200 {received: true}.
import express, { Router } from 'express';
import { verifyStripeWebhook } from '../adapters/payments/stripe-webhook.ts';
import { handleStripeEvent } from '../domain/billing/handle-stripe-event.ts';
import type { Services } from '../domain/context.ts';

export const STRIPE_WEBHOOK_MAX_BYTES = 1024 * 1024;

export function stripeWebhookRoutes(services: Services): Router {
  const r = Router();
  r.post('/stripe/webhook', express.raw({ type: () => true, limit: STRIPE_WEBHOOK_MAX_BYTES }), async (req, res) => {
    const payload = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const event = (() => {
      try {
        return verifyStripeWebhook(payload, req.get('stripe-signature'), services.config.stripeWebhookSecret);
      } catch (err) {
        req.log.warn({ reason: (err as Error).message }, 'Stripe webhook refused');
        throw err;
      }
    })();
    const outcome = await handleStripeEvent({ db: services.db, log: req.log, now: services.now }, event);
    req.log.debug({ eventId: event.id, type: event.type, outcome: outcome.action }, 'Stripe webhook handled');
    res.json({ received: true });
  });
  return r;
}
