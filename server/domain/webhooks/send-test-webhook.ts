// Queues a test delivery to a webhook (any member): a `deployment.completed`-shaped event with
// `"test": true` and placeholder deployment fields, whatever events the webhook subscribes to.
import { notify } from '../../../db/client.ts';
import { webhookDeliveries } from '../../../db/schema/index.ts';
import { recordAudit } from '../audit.ts';
import { requireOrgActor, type DomainCtx } from '../context.ts';
import { conflict } from '../errors.ts';
import { WEBHOOK_DELIVERIES_CHANNEL } from './enqueue-webhook-event.ts';
import { findWebhookOrThrow } from './find-webhook.ts';
import { testWebhookPayload } from './webhook-payload.ts';
import { toDeliveryView, type WebhookDeliveryView } from './webhook-views.ts';

export async function sendTestWebhook(ctx: DomainCtx, appId: string, webhookId: string): Promise<WebhookDeliveryView> {
  const actor = requireOrgActor(ctx);
  return ctx.db.transaction(async (tx) => {
    const { app, webhook } = await findWebhookOrThrow(tx, actor.orgId, appId, webhookId);
    if (!webhook.active) throw conflict('This webhook is inactive; activate it before sending a test event');
    const payload = testWebhookPayload(app.id, ctx.now());
    const [row] = await tx.insert(webhookDeliveries).values({ orgId: actor.orgId, webhookId: webhook.id, event: payload.event, payload }).returning();
    await recordAudit(tx, actor, {
      orgId: actor.orgId,
      action: 'webhook.test',
      resourceType: 'webhook',
      resourceId: webhook.id,
      metadata: { appId: app.id, deliveryId: row.id },
    });
    await notify(tx, WEBHOOK_DELIVERIES_CHANNEL, '');
    return toDeliveryView(row);
  });
}
