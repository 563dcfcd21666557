// Creates a webhook on an app of the actor's organization (any member). The URL must point at a
// public address (unless WEBHOOK_ALLOW_PRIVATE_TARGETS). The signing secret is stored encrypted;
// when the caller sends none, a `whsec_…` secret is generated and returned here, once.
import { and, count, eq } from 'drizzle-orm';
import { webhooks, WEBHOOK_EVENTS } from '../../../db/schema/index.ts';
import { findAppOrThrow } from '../apps/find-app.ts';
import { recordAudit } from '../audit.ts';
import { requireOrgActor, type DomainCtx } from '../context.ts';
import { conflict } from '../errors.ts';
import { randomBase62 } from '../tokens.ts';
import { assertWebhookTargetAllowed } from './webhook-target-policy.ts';
import { toWebhookView, urlOrigin, type WebhookView } from './webhook-views.ts';
import { WEBHOOK_EVENT_NAMES, type CreateWebhookInput, type WebhookEventName } from './webhook-schemas.ts';

export const MAX_WEBHOOKS_PER_APP = 20;

// The shared (SPA-safe) event list and the database enum must stay the same list.
const sharedToDb: readonly (typeof WEBHOOK_EVENTS)[number][] = WEBHOOK_EVENT_NAMES;
const dbToShared: readonly WebhookEventName[] = WEBHOOK_EVENTS;
void [sharedToDb, dbToShared];

export function generateWebhookSecret(): string {
  return `whsec_${randomBase62(40)}`;
}

export async function createWebhook(ctx: DomainCtx, appId: string, input: CreateWebhookInput): Promise<WebhookView & { secret: string | null }> {
  const actor = requireOrgActor(ctx);
  await findAppOrThrow(ctx.db, actor.orgId, appId); // 404 before any URL check
  await assertWebhookTargetAllowed(input.url, { allowPrivateTargets: ctx.config.webhookAllowPrivateTargets });
  const generated = input.secret === undefined ? generateWebhookSecret() : null;
  const secretEncrypted = ctx.secrets.encrypt(input.secret ?? (generated as string));
  return ctx.db.transaction(async (tx) => {
    const app = await findAppOrThrow(tx, actor.orgId, appId, { forUpdate: true });
    const [{ n }] = await tx.select({ n: count() }).from(webhooks).where(and(eq(webhooks.appId, app.id), eq(webhooks.orgId, actor.orgId)));
    if (n >= MAX_WEBHOOKS_PER_APP) throw conflict(`An agent app can have at most ${MAX_WEBHOOKS_PER_APP} webhooks`);
    const [row] = await tx
      .insert(webhooks)
      .values({ orgId: actor.orgId, appId: app.id, url: input.url, events: input.events, secretEncrypted, active: true, createdAt: ctx.now() })
      .returning();
    await recordAudit(tx, actor, {
      orgId: actor.orgId,
      action: 'webhook.create',
      resourceType: 'webhook',
      resourceId: row.id,
      metadata: { appId: app.id, target: urlOrigin(row.url), events: row.events, secretGenerated: generated !== null },
    });
    return { ...toWebhookView(row), secret: generated };
  });
}
