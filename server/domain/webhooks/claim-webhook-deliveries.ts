// Claims due deliveries for one worker in a SHORT transaction (FOR UPDATE SKIP LOCKED, so several
// workers never take the same row): each claimed row gets attempts + 1 and a lease. A worker that
// dies mid-attempt leaves its lease to expire, after which the row is claimable again. The HTTP call
// itself happens outside any transaction (deliver-webhook.ts).
import { and, asc, eq, gte, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { webhookDeliveries, webhooks } from '../../../db/schema/index.ts';

export type ClaimedWebhookDelivery = {
  id: string;
  orgId: string;
  webhookId: string;
  event: string;
  payload: Record<string, unknown>;
  /** The number of this attempt (1-based). */
  attempt: number;
  url: string;
  secretEncrypted: string;
};

export async function claimWebhookDeliveries(
  db: Db,
  opts: { limit: number; leaseSeconds: number; maxAttempts: number },
): Promise<ClaimedWebhookDelivery[]> {
  if (opts.limit <= 0) return [];
  return db.transaction(async (tx) => {
    const leaseFree = or(isNull(webhookDeliveries.leaseExpiresAt), lte(webhookDeliveries.leaseExpiresAt, sql`now()`));

    // A worker died during the last allowed attempt: nothing more to try.
    const exhausted = await tx
      .select({ id: webhookDeliveries.id })
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.status, 'pending'), lte(webhookDeliveries.leaseExpiresAt, sql`now()`), gte(webhookDeliveries.attempts, opts.maxAttempts)))
      .limit(100)
      .for('update', { skipLocked: true });
    if (exhausted.length > 0) {
      await tx
        .update(webhookDeliveries)
        .set({ status: 'failed', completedAt: sql`now()`, leaseExpiresAt: null, lastError: 'The delivery worker stopped during the last attempt' })
        .where(inArray(webhookDeliveries.id, exhausted.map((r) => r.id)));
    }

    const due = await tx
      .select({ id: webhookDeliveries.id, webhookId: webhookDeliveries.webhookId })
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.status, 'pending'), lte(webhookDeliveries.nextAttemptAt, sql`now()`), leaseFree, lt(webhookDeliveries.attempts, opts.maxAttempts)))
      .orderBy(asc(webhookDeliveries.nextAttemptAt), asc(webhookDeliveries.createdAt))
      .limit(opts.limit)
      .for('update', { skipLocked: true });
    if (due.length === 0) return [];

    const targets = await tx
      .select({ id: webhooks.id, url: webhooks.url, secretEncrypted: webhooks.secretEncrypted, active: webhooks.active })
      .from(webhooks)
      .where(inArray(webhooks.id, [...new Set(due.map((d) => d.webhookId))]));
    const byId = new Map(targets.map((w) => [w.id, w]));
    const inactive = due.filter((d) => !byId.get(d.webhookId)?.active).map((d) => d.id);
    const active = due.filter((d) => byId.get(d.webhookId)?.active).map((d) => d.id);

    if (inactive.length > 0) {
      await tx
        .update(webhookDeliveries)
        .set({ status: 'failed', completedAt: sql`now()`, leaseExpiresAt: null, lastError: 'The webhook was deactivated before this delivery was sent' })
        .where(inArray(webhookDeliveries.id, inactive));
    }
    if (active.length === 0) return [];

    const claimed = await tx
      .update(webhookDeliveries)
      .set({ attempts: sql`${webhookDeliveries.attempts} + 1`, leaseExpiresAt: sql`now() + ${opts.leaseSeconds} * interval '1 second'` })
      .where(inArray(webhookDeliveries.id, active))
      .returning();
    return claimed.map((d) => {
      const w = byId.get(d.webhookId)!;
      return { id: d.id, orgId: d.orgId, webhookId: d.webhookId, event: d.event, payload: d.payload, attempt: d.attempts, url: w.url, secretEncrypted: w.secretEncrypted };
    });
  });
}
