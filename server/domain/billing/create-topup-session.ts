// POST /api/credits/topup: prices the request (a package or a custom amount), opens a Checkout
// Session with the payments adapter (Stripe, or the local checkout), records it and answers where
// to send the browser. Owners and admins only. Nothing is credited here: that happens once, when
// the session is paid (fulfill-checkout-session.ts).
import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import { checkoutSessions, users } from '../../../db/schema/index.ts';
import { recordAudit } from '../audit.ts';
import { actorUserId, requireRole, type DomainCtx } from '../context.ts';
import { priceTopup } from '../credits/credit-packages.ts';
import type { TopupInput } from './billing-schemas.ts';

export function checkoutReturnUrls(publicUrl: string) {
  return {
    successUrl: `${publicUrl}/billing?checkout=success&session_id={CHECKOUT_SESSION_ID}`,
    cancelUrl: `${publicUrl}/billing?checkout=cancelled`,
  };
}

export async function createTopupSession(ctx: DomainCtx, input: TopupInput): Promise<{ sessionId: string; sessionUrl: string; expiresAt: Date }> {
  const actor = requireRole(ctx, 'admin');
  const price = priceTopup(ctx.config, input);
  const userId = actorUserId(actor);
  const [user] = userId ? await ctx.db.select({ email: users.email }).from(users).where(eq(users.id, userId)) : [];
  const payments = ctx.adapters.payments;
  const created = await payments.createCheckoutSession({
    reference: crypto.randomUUID(),
    orgId: actor.orgId,
    userId,
    packageId: price.packageId,
    packageName: price.packageName,
    credits: price.credits,
    amountCents: price.amountCents,
    currency: price.currency,
    ...checkoutReturnUrls(ctx.config.publicUrl),
    customerEmail: user?.email,
  });
  await ctx.db.transaction(async (tx) => {
    await tx.insert(checkoutSessions).values({
      id: created.id,
      orgId: actor.orgId,
      userId,
      provider: payments.kind,
      package: price.packageId,
      credits: price.credits,
      amountCents: price.amountCents,
      currency: price.currency,
      url: created.url,
      expiresAt: created.expiresAt,
    });
    await recordAudit(tx, actor, {
      orgId: actor.orgId,
      action: 'credits.checkout',
      resourceType: 'checkout_session',
      resourceId: created.id,
      metadata: { provider: payments.kind, package: price.packageId, credits: price.credits, amount_cents: price.amountCents, currency: price.currency },
    });
  });
  return { sessionId: created.id, sessionUrl: created.url, expiresAt: created.expiresAt };
}
