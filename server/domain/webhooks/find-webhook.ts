// Loads a webhook of an app of the actor's organization, or 404 (also for other organizations' ids,
// a webhook of another app, and strings that are not ids).
import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client.ts';
import { webhookDeliveries, webhooks } from '../../../db/schema/index.ts';
import { findAppOrThrow } from '../apps/find-app.ts';
import { notFound } from '../errors.ts';
import { isUuid } from '../ids.ts';

export async function findWebhookOrThrow(db: DbOrTx, orgId: string, appId: string, webhookId: string, opts: { forUpdate?: boolean } = {}) {
  const app = await findAppOrThrow(db, orgId, appId);
  if (!isUuid(webhookId)) throw notFound('Webhook');
  const q = db
    .select()
    .from(webhooks)
    .where(and(eq(webhooks.id, webhookId), eq(webhooks.appId, app.id), eq(webhooks.orgId, orgId)))
    .limit(1);
  const [webhook] = opts.forUpdate ? await q.for('update') : await q;
  if (!webhook) throw notFound('Webhook');
  return { app, webhook };
}

export async function findDeliveryOrThrow(db: DbOrTx, orgId: string, webhookId: string, deliveryId: string) {
  if (!isUuid(deliveryId)) throw notFound('Webhook delivery');
  const [delivery] = await db
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.webhookId, webhookId), eq(webhookDeliveries.orgId, orgId)))
    .limit(1);
  if (!delivery) throw notFound('Webhook delivery');
  return delivery;
}
