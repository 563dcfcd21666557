// The embedded checkout (no STRIPE_SECRET_KEY): the session is a page of this app,
// `${PUBLIC_URL}/billing/checkout/<id>`, showing the order with Pay and Cancel. Pay fulfils through
// the same domain function as the Stripe webhook. Like Stripe's, sessions expire after 24 hours.
import { randomBase62 } from '../../domain/tokens.ts';
import type { CheckoutRequest, CreatedCheckout, PaymentsAdapter } from './payments-adapter.ts';

export const LOCAL_SESSION_PREFIX = 'cs_local_';
export const CHECKOUT_SESSION_TTL_MS = 24 * 60 * 60 * 1000;

export function createLocalPayments(options: { publicUrl: string; now?: () => Date }): PaymentsAdapter {
  const now = options.now ?? (() => new Date());
  return {
    kind: 'local',
    async createCheckoutSession(_request: CheckoutRequest): Promise<CreatedCheckout> {
      const id = `${LOCAL_SESSION_PREFIX}${randomBase62(24)}`;
      return { id, url: `${options.publicUrl}/billing/checkout/${id}`, expiresAt: new Date(now().getTime() + CHECKOUT_SESSION_TTL_MS) };
    },
  };
}
