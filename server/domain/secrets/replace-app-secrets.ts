// `pixell secrets set`: replaces the whole set of an app's secrets (keys not sent are deleted). Any
// member may write secrets; the audit row lists key names only.
import { findAppOrThrow } from '../apps/find-app.ts';
import { recordAudit } from '../audit.ts';
import { requireOrgActor, type DomainCtx } from '../context.ts';
import { deleteAppSecretRows, loadAppSecretRows, upsertAppSecretRows } from './app-secret-rows.ts';
import type { SecretMap } from './secret-schemas.ts';

export async function replaceAppSecrets(ctx: DomainCtx, appId: string, secrets: SecretMap): Promise<{ secretCount: number }> {
  const actor = requireOrgActor(ctx);
  return ctx.db.transaction(async (tx) => {
    const app = await findAppOrThrow(tx, actor.orgId, appId, { forUpdate: true });
    const rows = await loadAppSecretRows(tx, app.id);
    const removed = await deleteAppSecretRows(
      tx,
      app.id,
      rows.filter((r) => !Object.hasOwn(secrets, r.key)).map((r) => r.key),
    );
    const changes = await upsertAppSecretRows(tx, ctx.secrets, app, secrets, ctx.now(), rows.filter((r) => Object.hasOwn(secrets, r.key)));
    await recordAudit(tx, actor, {
      orgId: actor.orgId,
      action: 'secrets.replace',
      resourceType: 'agent_app',
      resourceId: app.id,
      metadata: { keys: Object.keys(secrets).sort(), added: changes.added, changed: changes.changed, removed },
    });
    return { secretCount: Object.keys(secrets).length };
  });
}
