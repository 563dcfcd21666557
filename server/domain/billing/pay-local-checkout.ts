// The local checkout's Pay button (embedded default, no Stripe): an open, unexpired local session
// of the actor's organization is fulfilled through fulfillCheckoutSession — the same function the
// Stripe webhook uses — in one transaction that holds the session row. Paying a completed session
// again is a no-op that answers the same. Owners and admins only.
import { eq } from 'drizzle-orm';
import { checkoutSessions } from '../../../db/schema/index.ts';
import { requireRole, type DomainCtx } from '../context.ts';
import { conflict } from '../errors.ts';
import { fulfillCheckoutSession } from './fulfill-checkout-session.ts';
import { lockCheckoutSession, toCheckoutView, type CheckoutSessionView } from './get-checkout-session.ts';

export async function payLocalCheckout(ctx: DomainCtx, id: string): Promise<{ session: CheckoutSessionView; balance: number | null }> {
  const actor = requireRole(ctx, 'admin');
  return ctx.db.transaction(async (tx) => {
    const s = await lockCheckoutSession(tx, actor.orgId, id);
    if (s.provider !== 'local') throw conflict('This checkout is paid on Stripe, not here');
    if (ctx.adapters.payments.kind !== 'local') throw conflict('The local checkout is disabled: this server takes payments through Stripe');
    if (s.status === 'completed') return { session: toCheckoutView(ctx, s), balance: null };
    if (s.status !== 'open') throw conflict(`This checkout was ${s.status}`);
    const now = ctx.now();
    if (s.expiresAt.getTime() <= now.getTime()) throw conflict('This checkout has expired; start a new top-up');
    const result = await fulfillCheckoutSession(
      tx,
      { sessionId: s.id, source: 'local', orgId: s.orgId, userId: s.userId, credits: s.credits, packageId: s.package, amountCents: s.amountCents, currency: s.currency },
      { actor, now },
    );
    const [after] = await tx.select().from(checkoutSessions).where(eq(checkoutSessions.id, s.id));
    return { session: toCheckoutView(ctx, after), balance: result.status === 'fulfilled' ? result.balanceAfter : null };
  });
}
