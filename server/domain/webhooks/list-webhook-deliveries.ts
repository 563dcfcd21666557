// The deliveries of a webhook, newest first, each with its attempts (any member).
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import { webhookDeliveries, webhookDeliveryAttempts } from '../../../db/schema/index.ts';
import { requireOrgActor, type DomainCtx } from '../context.ts';
import { findWebhookOrThrow } from './find-webhook.ts';
import { toDeliveryView, type WebhookDeliveryView } from './webhook-views.ts';
import { WEBHOOK_DELIVERIES_DEFAULT_LIMIT } from './webhook-schemas.ts';

export async function listWebhookDeliveries(
  ctx: DomainCtx,
  appId: string,
  webhookId: string,
  opts: { limit?: number } = {},
): Promise<WebhookDeliveryView[]> {
  const actor = requireOrgActor(ctx);
  const { webhook } = await findWebhookOrThrow(ctx.db, actor.orgId, appId, webhookId);
  const limit = Math.min(100, Math.max(1, Math.trunc(opts.limit ?? WEBHOOK_DELIVERIES_DEFAULT_LIMIT)));
  const rows = await ctx.db
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.webhookId, webhook.id), eq(webhookDeliveries.orgId, actor.orgId)))
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(limit);
  if (rows.length === 0) return [];
  const attempts = await ctx.db
    .select()
    .from(webhookDeliveryAttempts)
    .where(inArray(webhookDeliveryAttempts.deliveryId, rows.map((r) => r.id)))
    .orderBy(asc(webhookDeliveryAttempts.attempt));
  return rows.map((r) => toDeliveryView(r, attempts.filter((a) => a.deliveryId === r.id)));
}
