// Queues a deployment event for every active webhook of the app subscribed to it, inside the
// caller's transaction (the event and its deliveries commit or roll back together), then wakes the
// deliverer (NOTIFY is delivered on commit).
import { and, eq, sql } from 'drizzle-orm';
import { notify, type DbOrTx } from '../../../db/client.ts';
import { webhookDeliveries, webhooks, type WebhookEvent } from '../../../db/schema/index.ts';
import { webhookPayload } from './webhook-payload.ts';

/** LISTEN/NOTIFY channel that wakes the webhook deliverer (payload: empty). */
export const WEBHOOK_DELIVERIES_CHANNEL = 'webhook_deliveries';

/**
 * `data` is the documented deployment object: deployment_id, agent_app_id, package_id, version,
 * status, duration_seconds, s3_url, plus error on failure. Returns the ids of the deliveries queued.
 */
export async function enqueueWebhookEvent(
  tx: DbOrTx,
  input: { orgId: string; appId: string; event: WebhookEvent; data: Record<string, unknown>; at?: Date },
): Promise<string[]> {
  const targets = await tx
    .select({ id: webhooks.id })
    .from(webhooks)
    .where(
      and(
        eq(webhooks.orgId, input.orgId),
        eq(webhooks.appId, input.appId),
        eq(webhooks.active, true),
        sql`${webhooks.events} @> ${JSON.stringify([input.event])}::jsonb`,
      ),
    );
  if (targets.length === 0) return [];
  const payload = webhookPayload(input.event, input.data, input.at ?? new Date());
  const rows = await tx
    .insert(webhookDeliveries)
    .values(targets.map((w) => ({ orgId: input.orgId, webhookId: w.id, event: input.event, payload })))
    .returning({ id: webhookDeliveries.id });
  await notify(tx, WEBHOOK_DELIVERIES_CHANNEL, '');
  return rows.map((r) => r.id);
}
