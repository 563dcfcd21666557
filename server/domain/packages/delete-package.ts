import { and, eq, inArray } from 'drizzle-orm';
import { agentApps, deployments, packages } from '../../../db/schema/index.ts';
import { findAppOrThrow } from '../apps/find-app.ts';
import { recordAudit } from '../audit.ts';
import { requireOrgActor, type DomainCtx } from '../context.ts';
import { conflict, notFound } from '../errors.ts';
import { isUuid } from '../ids.ts';

/**
 * Deletes a package and its stored objects. Refused (409) for the app's live package and while a
 * deployment of it is queued or processing.
 */
export async function deletePackage(ctx: DomainCtx, appId: string, packageId: string): Promise<void> {
  const actor = requireOrgActor(ctx);
  const pkg = await ctx.db.transaction(async (tx) => {
    const app = await findAppOrThrow(tx, actor.orgId, appId, { forUpdate: true });
    if (!isUuid(packageId)) throw notFound('Package');
    const [pkg] = await tx.select().from(packages).where(and(eq(packages.id, packageId), eq(packages.appId, app.id))).for('update');
    if (!pkg) throw notFound('Package');
    if (app.activePackageId === pkg.id) throw conflict(`Version ${pkg.version} is live; deploy or roll back to another version before deleting it`);
    const [busy] = await tx
      .select({ id: deployments.id })
      .from(deployments)
      .where(and(eq(deployments.packageId, pkg.id), inArray(deployments.status, ['queued', 'processing'])))
      .limit(1);
    if (busy) throw conflict(`Version ${pkg.version} is being deployed right now`);
    await tx.delete(packages).where(eq(packages.id, pkg.id));
    await tx.update(agentApps).set({ updatedAt: ctx.now() }).where(eq(agentApps.id, app.id));
    await recordAudit(tx, actor, { orgId: actor.orgId, action: 'package.delete', resourceType: 'package', resourceId: pkg.id, metadata: { app_id: app.id, version: pkg.version } });
    return pkg;
  });
  for (const key of [pkg.storageKey, pkg.signatureKey, pkg.storageKey.replace(/\.apkg$/, '.metadata.json')]) {
    if (key) await ctx.adapters.storage.delete(key).catch((err: unknown) => ctx.log.warn({ err, key }, 'could not delete a package object'));
  }
}
