// Deletes a webhook (any member); its deliveries and their attempts go with it (rows cascade). A
// delivery in flight finishes without recording anything.
import { eq } from 'drizzle-orm';
import { webhooks } from '../../../db/schema/index.ts';
import { recordAudit } from '../audit.ts';
import { requireOrgActor, type DomainCtx } from '../context.ts';
import { findWebhookOrThrow } from './find-webhook.ts';
import { urlOrigin } from './webhook-views.ts';

export async function deleteWebhook(ctx: DomainCtx, appId: string, webhookId: string): Promise<void> {
  const actor = requireOrgActor(ctx);
  await ctx.db.transaction(async (tx) => {
    const { webhook } = await findWebhookOrThrow(tx, actor.orgId, appId, webhookId, { forUpdate: true });
    await tx.delete(webhooks).where(eq(webhooks.id, webhook.id));
    await recordAudit(tx, actor, {
      orgId: actor.orgId,
      action: 'webhook.delete',
      resourceType: 'webhook',
      resourceId: webhook.id,
      metadata: { appId: webhook.appId, target: urlOrigin(webhook.url) },
    });
  });
}
