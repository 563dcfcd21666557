// `pixell secrets delete-all`: removes every secret of the app (an app without secrets is fine).
import { findAppOrThrow } from '../apps/find-app.ts';
import { recordAudit } from '../audit.ts';
import { requireOrgActor, type DomainCtx } from '../context.ts';
import { deleteAppSecretRows } from './app-secret-rows.ts';

export async function deleteAllAppSecrets(ctx: DomainCtx, appId: string): Promise<{ deletedCount: number }> {
  const actor = requireOrgActor(ctx);
  return ctx.db.transaction(async (tx) => {
    const app = await findAppOrThrow(tx, actor.orgId, appId, { forUpdate: true });
    const removed = await deleteAppSecretRows(tx, app.id);
    await recordAudit(tx, actor, { orgId: actor.orgId, action: 'secrets.delete_all', resourceType: 'agent_app', resourceId: app.id, metadata: { removed } });
    return { deletedCount: removed.length };
  });
}
