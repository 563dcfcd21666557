// `pixell secrets delete KEY`: 404 when the app has no such secret.
import { findAppOrThrow } from '../apps/find-app.ts';
import { recordAudit } from '../audit.ts';
import { requireOrgActor, type DomainCtx } from '../context.ts';
import { notFound } from '../errors.ts';
import { deleteAppSecretRows } from './app-secret-rows.ts';

export async function deleteAppSecret(ctx: DomainCtx, appId: string, key: string): Promise<void> {
  const actor = requireOrgActor(ctx);
  await ctx.db.transaction(async (tx) => {
    const app = await findAppOrThrow(tx, actor.orgId, appId, { forUpdate: true });
    const removed = await deleteAppSecretRows(tx, app.id, [key]);
    if (removed.length === 0) throw notFound('Secret');
    await recordAudit(tx, actor, { orgId: actor.orgId, action: 'secret.delete', resourceType: 'agent_app', resourceId: app.id, metadata: { key } });
  });
}
