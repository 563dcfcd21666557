// Chooses the payments adapter from configuration: Stripe when STRIPE_SECRET_KEY is set, else the
// embedded local checkout.
import type { Logger } from 'pino';
import type { Config } from '../../config.ts';
import { createLocalPayments } from './local-payments.ts';
import type { PaymentsAdapter } from './payments-adapter.ts';
import { createStripePayments } from './stripe-payments.ts';

export type { PaymentsAdapter } from './payments-adapter.ts';

export function createPaymentsAdapter(config: Config, log: Logger, now: () => Date = () => new Date()): PaymentsAdapter {
  if (config.stripeSecretKey) {
    if (!config.stripeWebhookSecret) log.warn('STRIPE_SECRET_KEY is set but STRIPE_WEBHOOK_SECRET is not: paid top-ups will never be credited');
    log.info('payments: Stripe Checkout');
    return createStripePayments({ secretKey: config.stripeSecretKey, log });
  }
  if (config.isProduction) log.warn('payments: local checkout (no STRIPE_SECRET_KEY): owners and admins can add credits without paying');
  else log.info('payments: local checkout');
  return createLocalPayments({ publicUrl: config.publicUrl, now });
}
