// Queues a new delivery with the same event and payload as an earlier one (any member), e.g. after
// the receiver was fixed. The new delivery has its own id (X-Pixell-Delivery) and attempts.
import { notify } from '../../../db/client.ts';
import { webhookDeliveries } from '../../../db/schema/index.ts';
import { recordAudit } from '../audit.ts';
import { requireOrgActor, type DomainCtx } from '../context.ts';
import { conflict } from '../errors.ts';
import { WEBHOOK_DELIVERIES_CHANNEL } from './enqueue-webhook-event.ts';
import { findDeliveryOrThrow, findWebhookOrThrow } from './find-webhook.ts';
import { toDeliveryView, type WebhookDeliveryView } from './webhook-views.ts';

export async function redeliverWebhookDelivery(ctx: DomainCtx, appId: string, webhookId: string, deliveryId: string): Promise<WebhookDeliveryView> {
  const actor = requireOrgActor(ctx);
  return ctx.db.transaction(async (tx) => {
    const { app, webhook } = await findWebhookOrThrow(tx, actor.orgId, appId, webhookId);
    const source = await findDeliveryOrThrow(tx, actor.orgId, webhook.id, deliveryId);
    if (!webhook.active) throw conflict('This webhook is inactive; activate it before redelivering');
    const [row] = await tx
      .insert(webhookDeliveries)
      .values({ orgId: actor.orgId, webhookId: webhook.id, event: source.event, payload: source.payload })
      .returning();
    await recordAudit(tx, actor, {
      orgId: actor.orgId,
      action: 'webhook.redeliver',
      resourceType: 'webhook',
      resourceId: webhook.id,
      metadata: { appId: app.id, sourceDeliveryId: source.id, deliveryId: row.id, event: source.event },
    });
    await notify(tx, WEBHOOK_DELIVERIES_CHANNEL, '');
    return toDeliveryView(row);
  });
}
