// What a verified Stripe event does. Paid Checkout Sessions (checkout.session.completed with
// payment_status paid / no_payment_required, and checkout.session.async_payment_succeeded) are
// fulfilled exactly once per session id; checkout.session.expired and async_payment_failed mark
// our record of the session; every other event type is acknowledged and ignored. One short
// transaction, no outgoing calls: the webhook answers fast.
import { and, eq } from 'drizzle-orm';
import { checkoutSessions } from '../../../db/schema/index.ts';
import type { StripeWebhookEvent } from '../../adapters/payments/stripe-webhook.ts';
import type { Services } from '../context.ts';
import { fulfillCheckoutSession, type FulfilmentResult } from './fulfill-checkout-session.ts';

export type StripeEventOutcome =
  | { action: 'ignored'; reason: string }
  | { action: 'fulfilment'; result: FulfilmentResult }
  | { action: 'session_closed'; status: 'expired' | 'failed'; updated: boolean };

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

export async function handleStripeEvent(services: Pick<Services, 'db' | 'log' | 'now'>, event: StripeWebhookEvent): Promise<StripeEventOutcome> {
  const session = event.data.object;
  const sessionId = str(session.id);
  const isCheckoutSession = session.object === undefined || session.object === 'checkout.session';
  if (!event.type.startsWith('checkout.session.') || !sessionId || !isCheckoutSession) {
    return { action: 'ignored', reason: `event type ${event.type} is not handled` };
  }

  switch (event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded': {
      const paymentStatus = str(session.payment_status);
      if (event.type === 'checkout.session.completed' && paymentStatus !== null && paymentStatus !== 'paid' && paymentStatus !== 'no_payment_required') {
        return { action: 'ignored', reason: `payment_status is ${paymentStatus}: waiting for checkout.session.async_payment_succeeded` };
      }
      const metadata = (typeof session.metadata === 'object' && session.metadata !== null ? session.metadata : {}) as Record<string, unknown>;
      const creditsText = str(metadata.credits);
      const credits = creditsText && /^\d{1,9}$/.test(creditsText) ? Number(creditsText) : null;
      const now = services.now();
      const result = await services.db.transaction((tx) =>
        fulfillCheckoutSession(
          tx,
          {
            sessionId,
            source: 'stripe',
            orgId: str(metadata.organizationId),
            userId: str(metadata.userId),
            credits,
            packageId: str(metadata.package),
            amountCents: typeof session.amount_total === 'number' ? session.amount_total : null,
            currency: str(session.currency),
            stripeEventId: event.id,
          },
          { actor: { kind: 'anonymous' }, now },
        ),
      );
      if (result.status === 'unresolvable') {
        // A session without any of our metadata belongs to something else on the Stripe account.
        const ours = creditsText !== null || str(metadata.organizationId) !== null || str(metadata.userId) !== null;
        if (ours) services.log.error({ eventId: event.id, sessionId, reason: result.reason }, 'paid Stripe Checkout Session could not be credited');
        else services.log.info({ eventId: event.id, sessionId }, 'Stripe Checkout Session without Pixell metadata ignored');
      } else services.log.info({ eventId: event.id, sessionId, status: result.status, orgId: result.orgId }, 'Stripe Checkout Session fulfilment');
      return { action: 'fulfilment', result };
    }
    case 'checkout.session.expired':
    case 'checkout.session.async_payment_failed': {
      const status = event.type === 'checkout.session.expired' ? 'expired' : 'failed';
      const updated = await services.db
        .update(checkoutSessions)
        .set({ status })
        .where(and(eq(checkoutSessions.id, sessionId), eq(checkoutSessions.status, 'open')))
        .returning({ id: checkoutSessions.id });
      return { action: 'session_closed', status, updated: updated.length > 0 };
    }
    default:
      return { action: 'ignored', reason: `event type ${event.type} is not handled` };
  }
}
