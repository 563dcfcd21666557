// `pixell secrets update KEY VALUE` / PUT …/secrets/:key: creates or updates one secret.
import { findAppOrThrow } from '../apps/find-app.ts';
import { recordAudit } from '../audit.ts';
import { requireOrgActor, type DomainCtx } from '../context.ts';
import { upsertAppSecretRows } from './app-secret-rows.ts';

export async function setAppSecret(ctx: DomainCtx, appId: string, key: string, value: string): Promise<{ key: string; created: boolean }> {
  const actor = requireOrgActor(ctx);
  return ctx.db.transaction(async (tx) => {
    const app = await findAppOrThrow(tx, actor.orgId, appId, { forUpdate: true });
    const changes = await upsertAppSecretRows(tx, ctx.secrets, app, { [key]: value }, ctx.now());
    const created = changes.added.length === 1;
    await recordAudit(tx, actor, {
      orgId: actor.orgId,
      action: created ? 'secret.create' : 'secret.update',
      resourceType: 'agent_app',
      resourceId: app.id,
      metadata: { key, changed: changes.unchanged.length === 0 },
    });
    return { key, created };
  });
}
