// A Checkout Session of the actor's organization (the local checkout page, and the billing page
// after Stripe's redirect). Another organization's session is 404. Any member may read it.
import { and, eq } from 'drizzle-orm';
import type { Tx } from '../../../db/client.ts';
import { checkoutSessions } from '../../../db/schema/index.ts';
import { requireOrgActor, type DomainCtx } from '../context.ts';
import { notFound } from '../errors.ts';
import { checkoutReturnUrls } from './create-topup-session.ts';

export type CheckoutSessionView = typeof checkoutSessions.$inferSelect & { successUrl: string; cancelUrl: string; payable: boolean };

export async function getCheckoutSession(ctx: DomainCtx, id: string): Promise<CheckoutSessionView> {
  const actor = requireOrgActor(ctx);
  const [s] = await ctx.db.select().from(checkoutSessions).where(and(eq(checkoutSessions.id, id), eq(checkoutSessions.orgId, actor.orgId)));
  if (!s) throw notFound('Checkout session');
  return toCheckoutView(ctx, s);
}

export function toCheckoutView(ctx: Pick<DomainCtx, 'config' | 'adapters' | 'now'>, s: typeof checkoutSessions.$inferSelect): CheckoutSessionView {
  const expired = s.status === 'open' && s.expiresAt.getTime() <= ctx.now().getTime();
  const urls = checkoutReturnUrls(ctx.config.publicUrl);
  return {
    ...s,
    status: expired ? 'expired' : s.status,
    successUrl: urls.successUrl.replace('{CHECKOUT_SESSION_ID}', encodeURIComponent(s.id)),
    cancelUrl: urls.cancelUrl,
    payable: s.provider === 'local' && ctx.adapters.payments.kind === 'local' && s.status === 'open' && !expired,
  };
}

/** The checkout session `id` of organization `orgId`, locked for the rest of the transaction (404 otherwise). */
export async function lockCheckoutSession(tx: Tx, orgId: string, id: string): Promise<typeof checkoutSessions.$inferSelect> {
  const [s] = await tx
    .select()
    .from(checkoutSessions)
    .where(and(eq(checkoutSessions.id, id), eq(checkoutSessions.orgId, orgId)))
    .for('update');
  if (!s) throw notFound('Checkout session');
  return s;
}
