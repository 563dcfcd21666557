// The one fulfilment path of a paid Checkout Session — called by the Stripe webhook
// (checkout.session.completed / async_payment_succeeded) and by the local checkout's Pay button.
// In the caller's transaction: lock our record of the session (if any), INSERT the fulfilment row
// whose primary key is the session id (ON CONFLICT DO NOTHING: a concurrent duplicate waits on the
// unique index and then finds the row), and only when that insert happened credit the ledger,
// mark the session completed and write the audit row. Safe to run any number of times, concurrently.
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client.ts';
import { checkoutFulfillments, checkoutSessions, organizations, users } from '../../../db/schema/index.ts';
import { findStartingOrganization } from '../auth/user-actor.ts';
import { recordAudit } from '../audit.ts';
import type { Actor } from '../context.ts';
import { applyCreditChange } from '../credits/apply-credit-change.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_CREDITS = 10_000_000;

export type FulfilmentInput = {
  sessionId: string;
  source: 'stripe' | 'local';
  /** From the session's metadata; our own record of the session wins when there is one. */
  orgId?: string | null;
  userId?: string | null;
  credits?: number | null;
  packageId?: string | null;
  amountCents?: number | null;
  currency?: string | null;
  stripeEventId?: string | null;
};

export type FulfilmentResult =
  | { status: 'fulfilled'; orgId: string; credits: number; balanceAfter: number }
  | { status: 'already_fulfilled'; orgId: string }
  | { status: 'unresolvable'; reason: string };

export async function fulfillCheckoutSession(tx: DbOrTx, input: FulfilmentInput, opts: { actor: Actor; now: Date }): Promise<FulfilmentResult> {
  const [own] = await tx.select().from(checkoutSessions).where(eq(checkoutSessions.id, input.sessionId)).for('update');

  let orgId: string | null = own?.orgId ?? (input.orgId && UUID.test(input.orgId) ? input.orgId : null);
  const credits = own?.credits ?? input.credits ?? null;
  const userId = own?.userId ?? (input.userId && UUID.test(input.userId) ? input.userId : null);
  if (!orgId && userId) {
    // Documented metadata may carry only userId: credit the user's current organization.
    const [user] = await tx.select({ id: users.id, defaultOrgId: users.defaultOrgId }).from(users).where(eq(users.id, userId));
    if (user) orgId = (await findStartingOrganization(tx, user))?.orgId ?? null;
  }
  if (!orgId) return { status: 'unresolvable', reason: 'no organization (metadata organizationId or userId)' };
  if (credits === null || !Number.isSafeInteger(credits) || credits <= 0 || credits > MAX_CREDITS) {
    return { status: 'unresolvable', reason: 'no valid credits amount in the metadata' };
  }
  const [org] = await tx.select({ id: organizations.id }).from(organizations).where(eq(organizations.id, orgId));
  if (!org) return { status: 'unresolvable', reason: 'the organization does not exist' };

  const [claimed] = await tx
    .insert(checkoutFulfillments)
    .values({
      sessionId: input.sessionId,
      orgId,
      credits,
      amountCents: own?.amountCents ?? input.amountCents ?? null,
      currency: own?.currency ?? input.currency ?? null,
      source: input.source,
      stripeEventId: input.stripeEventId ?? null,
      createdAt: opts.now,
    })
    .onConflictDoNothing({ target: checkoutFulfillments.sessionId })
    .returning({ sessionId: checkoutFulfillments.sessionId });
  if (!claimed) {
    const [done] = await tx.select({ orgId: checkoutFulfillments.orgId }).from(checkoutFulfillments).where(eq(checkoutFulfillments.sessionId, input.sessionId));
    return { status: 'already_fulfilled', orgId: done?.orgId ?? orgId };
  }

  const packageId = own?.package ?? input.packageId ?? 'custom';
  const { balanceAfter, transactionId } = await applyCreditChange(tx, {
    orgId,
    amount: credits,
    type: 'purchase',
    description: `Credit top-up: ${credits.toLocaleString('en-US')} credits (${packageId})`,
  });
  await tx.update(checkoutFulfillments).set({ creditTransactionId: transactionId }).where(eq(checkoutFulfillments.sessionId, input.sessionId));
  if (own) await tx.update(checkoutSessions).set({ status: 'completed', completedAt: opts.now }).where(eq(checkoutSessions.id, own.id));
  await recordAudit(tx, opts.actor, {
    orgId,
    action: 'credits.purchase',
    resourceType: 'checkout_session',
    resourceId: input.sessionId,
    metadata: { credits, package: packageId, source: input.source, stripe_event_id: input.stripeEventId ?? null, user_id: userId, balance_after: balanceAfter },
  });
  return { status: 'fulfilled', orgId, credits, balanceAfter };
}
