// Stripe Checkout through the official SDK: one Checkout Session per top-up, mode `payment`, an
// inline price (price_data), and the metadata the webhook fulfils from (organizationId, userId,
// credits, package). Our reference is the Idempotency-Key, so the SDK's network retries never
// create a second session. `api` points the SDK at another host (tests run a local stub of the API).
import Stripe from 'stripe';
import type { Logger } from 'pino';
import { AppError } from '../../domain/errors.ts';
import { checkoutMetadata, type CheckoutRequest, type CreatedCheckout, type PaymentsAdapter } from './payments-adapter.ts';

export type StripeApiTarget = { host: string; port: number; protocol: 'http' | 'https' };

export function createStripePayments(options: { secretKey: string; log?: Logger; api?: StripeApiTarget; timeoutMs?: number }): PaymentsAdapter {
  const stripe = new Stripe(options.secretKey, {
    maxNetworkRetries: 2,
    timeout: options.timeoutMs ?? 20_000,
    telemetry: false,
    appInfo: { name: 'pixell-agent-cloud' },
    ...(options.api ? { host: options.api.host, port: options.api.port, protocol: options.api.protocol } : {}),
  });

  return {
    kind: 'stripe',
    async createCheckoutSession(request: CheckoutRequest): Promise<CreatedCheckout> {
      const metadata = checkoutMetadata(request);
      let session: Stripe.Checkout.Session;
      try {
        session = await stripe.checkout.sessions.create(
          {
            mode: 'payment',
            line_items: [
              {
                quantity: 1,
                price_data: {
                  currency: request.currency,
                  unit_amount: request.amountCents,
                  product_data: {
                    name: `${request.credits.toLocaleString('en-US')} Pixell credits`,
                    description: `${request.packageName} credit top-up`,
                  },
                },
              },
            ],
            metadata,
            payment_intent_data: { metadata },
            client_reference_id: request.orgId,
            ...(request.customerEmail ? { customer_email: request.customerEmail } : {}),
            success_url: request.successUrl,
            cancel_url: request.cancelUrl,
          },
          { idempotencyKey: `topup_${request.reference}` },
        );
      } catch (err) {
        const e = err as { type?: string; code?: string; statusCode?: number; message?: string; requestId?: string };
        options.log?.error({ stripe: { type: e.type, code: e.code, statusCode: e.statusCode, requestId: e.requestId, message: e.message } }, 'Stripe Checkout Session creation failed');
        throw new AppError('PAYMENT_PROVIDER_ERROR', 'The payment provider could not start a checkout; try again shortly');
      }
      if (!session.url) {
        options.log?.error({ sessionId: session.id }, 'Stripe returned a Checkout Session without a URL');
        throw new AppError('PAYMENT_PROVIDER_ERROR', 'The payment provider did not return a checkout page');
      }
      return { id: session.id, url: session.url, expiresAt: new Date(session.expires_at * 1000) };
    },
  };
}
