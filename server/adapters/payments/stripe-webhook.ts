// Verifies a Stripe webhook delivery with the SDK (stripe.webhooks.constructEvent): HMAC-SHA256 of
// `${t}.${raw body}` with STRIPE_WEBHOOK_SECRET, constant-time compare, timestamps older than the
// tolerance (300 s) refused. Anything that does not verify is a 400 and nothing else happens.
import Stripe from 'stripe';
import { AppError } from '../../domain/errors.ts';

/** The part of a Stripe event the domain reads (kept free of SDK types). */
export type StripeWebhookEvent = {
  id: string;
  type: string;
  livemode?: boolean;
  data: { object: Record<string, unknown> };
};

export function verifyStripeWebhook(payload: Buffer, signature: string | undefined, secret: string | undefined): StripeWebhookEvent {
  if (!secret) throw new AppError('VALIDATION_ERROR', 'Stripe webhooks are not configured on this server (STRIPE_WEBHOOK_SECRET)');
  if (!signature) throw new AppError('VALIDATION_ERROR', 'Missing Stripe-Signature header');
  let event: Stripe.Event;
  try {
    event = Stripe.webhooks.constructEvent(payload, signature, secret);
  } catch {
    throw new AppError('VALIDATION_ERROR', 'Invalid Stripe signature');
  }
  const e = event as unknown as StripeWebhookEvent;
  if (typeof e.id !== 'string' || typeof e.type !== 'string' || typeof e.data?.object !== 'object' || e.data.object === null) {
    throw new AppError('VALIDATION_ERROR', 'Malformed Stripe event');
  }
  return e;
}
