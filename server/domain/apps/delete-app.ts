import { and, eq, inArray } from 'drizzle-orm';
import { agentApps, deployments } from '../../../db/schema/index.ts';
import { recordAudit } from '../audit.ts';
import { requireRole, type DomainCtx } from '../context.ts';
import { conflict } from '../errors.ts';
import { findAppOrThrow } from './find-app.ts';

/** Storage prefix under which every object of an app lives. */
export const appStoragePrefix = (orgId: string, appId: string) => `orgs/${orgId}/apps/${appId}/`;

/**
 * Deletes an app with its packages, deployments and webhooks (rows cascade), then its stored
 * objects. Refused while one of its deployments is queued or processing. Owners and admins only.
 */
export async function deleteApp(ctx: DomainCtx, appId: string): Promise<void> {
  const actor = requireRole(ctx, 'admin');
  const app = await ctx.db.transaction(async (tx) => {
    const app = await findAppOrThrow(tx, actor.orgId, appId, { forUpdate: true });
    const [running] = await tx
      .select({ id: deployments.id, status: deployments.status })
      .from(deployments)
      .where(and(eq(deployments.appId, app.id), inArray(deployments.status, ['queued', 'processing'])))
      .limit(1);
    if (running) {
      throw conflict('This agent app has a deployment in progress; cancel it or wait for it to finish before deleting the app', {
        deployment_id: running.id,
        status: running.status,
      });
    }
    await tx.delete(agentApps).where(eq(agentApps.id, app.id));
    await recordAudit(tx, actor, { orgId: actor.orgId, action: 'agent_app.delete', resourceType: 'agent_app', resourceId: app.id, metadata: { name: app.name } });
    return app;
  });
  // Objects go after the rows: a failure here leaves orphaned files (logged), never rows pointing at
  // missing files.
  try {
    await ctx.adapters.storage.deletePrefix(appStoragePrefix(actor.orgId, app.id));
  } catch (err) {
    ctx.log.error({ err, appId: app.id }, 'could not delete the stored objects of a deleted app');
  }
}
