// The local checkout's Cancel button: an open local session of the actor's organization becomes
// cancelled (cancelling twice answers the same; a completed one is 409). Stripe's own sessions
// simply expire. Owners and admins only.
import { eq } from 'drizzle-orm';
import { checkoutSessions } from '../../../db/schema/index.ts';
import { recordAudit } from '../audit.ts';
import { requireRole, type DomainCtx } from '../context.ts';
import { conflict } from '../errors.ts';
import { lockCheckoutSession, toCheckoutView, type CheckoutSessionView } from './get-checkout-session.ts';

export async function cancelCheckoutSession(ctx: DomainCtx, id: string): Promise<CheckoutSessionView> {
  const actor = requireRole(ctx, 'admin');
  return ctx.db.transaction(async (tx) => {
    const s = await lockCheckoutSession(tx, actor.orgId, id);
    if (s.provider !== 'local') throw conflict('Stripe Checkout sessions cannot be cancelled here; they expire on their own');
    if (s.status === 'cancelled') return toCheckoutView(ctx, s);
    if (s.status !== 'open') throw conflict(`This checkout was ${s.status}`);
    const now = ctx.now();
    const [updated] = await tx.update(checkoutSessions).set({ status: 'cancelled', cancelledAt: now }).where(eq(checkoutSessions.id, s.id)).returning();
    await recordAudit(tx, actor, { orgId: actor.orgId, action: 'credits.checkout_cancel', resourceType: 'checkout_session', resourceId: s.id });
    return toCheckoutView(ctx, updated);
  });
}
