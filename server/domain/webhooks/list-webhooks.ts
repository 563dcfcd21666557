// The webhooks of an app of the actor's organization (any member), oldest first.
import { and, asc, eq } from 'drizzle-orm';
import { webhooks } from '../../../db/schema/index.ts';
import { findAppOrThrow } from '../apps/find-app.ts';
import { requireOrgActor, type DomainCtx } from '../context.ts';
import { toWebhookView, type WebhookView } from './webhook-views.ts';

export async function listWebhooks(ctx: DomainCtx, appId: string): Promise<WebhookView[]> {
  const actor = requireOrgActor(ctx);
  const app = await findAppOrThrow(ctx.db, actor.orgId, appId);
  const rows = await ctx.db
    .select()
    .from(webhooks)
    .where(and(eq(webhooks.appId, app.id), eq(webhooks.orgId, actor.orgId)))
    .orderBy(asc(webhooks.createdAt), asc(webhooks.id));
  return rows.map(toWebhookView);
}
