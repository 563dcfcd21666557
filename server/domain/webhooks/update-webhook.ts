// Changes a webhook's URL, events or active flag (any member). A new URL passes the same target
// policy as at creation.
import { eq } from 'drizzle-orm';
import { webhooks } from '../../../db/schema/index.ts';
import { recordAudit } from '../audit.ts';
import { requireOrgActor, type DomainCtx } from '../context.ts';
import { findWebhookOrThrow } from './find-webhook.ts';
import { assertWebhookTargetAllowed } from './webhook-target-policy.ts';
import type { UpdateWebhookInput } from './webhook-schemas.ts';
import { toWebhookView, urlOrigin, type WebhookView } from './webhook-views.ts';

export async function updateWebhook(ctx: DomainCtx, appId: string, webhookId: string, input: UpdateWebhookInput): Promise<WebhookView> {
  const actor = requireOrgActor(ctx);
  await findWebhookOrThrow(ctx.db, actor.orgId, appId, webhookId); // 404 before any URL check
  if (input.url !== undefined) await assertWebhookTargetAllowed(input.url, { allowPrivateTargets: ctx.config.webhookAllowPrivateTargets });
  return ctx.db.transaction(async (tx) => {
    const { webhook } = await findWebhookOrThrow(tx, actor.orgId, appId, webhookId, { forUpdate: true });
    const [row] = await tx
      .update(webhooks)
      .set({
        ...(input.url !== undefined ? { url: input.url } : {}),
        ...(input.events !== undefined ? { events: input.events } : {}),
        ...(input.active !== undefined ? { active: input.active } : {}),
      })
      .where(eq(webhooks.id, webhook.id))
      .returning();
    const changes: Record<string, unknown> = {};
    if (input.url !== undefined) changes.target = urlOrigin(row.url);
    if (input.events !== undefined) changes.events = row.events;
    if (input.active !== undefined) changes.active = row.active;
    await recordAudit(tx, actor, {
      orgId: actor.orgId,
      action: 'webhook.update',
      resourceType: 'webhook',
      resourceId: webhook.id,
      metadata: { appId: webhook.appId, fields: Object.keys(input).filter((k) => input[k as keyof UpdateWebhookInput] !== undefined), ...changes },
    });
    return toWebhookView(row);
  });
}
