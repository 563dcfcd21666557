// The payments adapter: Stripe Checkout (official SDK) when STRIPE_SECRET_KEY is set, otherwise the
// embedded local checkout served by the app itself. Either way the buyer is sent to `url`, and the
// session is fulfilled by the one domain function (domain/billing/fulfill-checkout-session.ts):
// from the Stripe webhook, or from the local checkout's Pay button.

export type CheckoutRequest = {
  /** Our reference for this attempt; Stripe receives it as the Idempotency-Key. */
  reference: string;
  orgId: string;
  userId: string | null;
  /** Package id from the configuration, or `custom`. */
  packageId: string;
  packageName: string;
  credits: number;
  amountCents: number;
  currency: string;
  successUrl: string;
  cancelUrl: string;
  customerEmail?: string;
};

export type CreatedCheckout = { id: string; url: string; expiresAt: Date };

export interface PaymentsAdapter {
  readonly kind: 'stripe' | 'local';
  createCheckoutSession(request: CheckoutRequest): Promise<CreatedCheckout>;
}

/** The metadata every Checkout Session carries (strings, as Stripe stores them). */
export function checkoutMetadata(request: CheckoutRequest): Record<string, string> {
  return {
    organizationId: request.orgId,
    ...(request.userId ? { userId: request.userId } : {}),
    credits: String(request.credits),
    package: request.packageId,
  };
}
