// Rollback and redeploy: a new deployment of a package the app already has, charged like any deploy,
// with the environment the earlier deployment of that package ran with.
import { and, desc, eq } from 'drizzle-orm';
import { deployments, packages } from '../../../db/schema/index.ts';
import { findAppOrThrow } from '../apps/find-app.ts';
import { recordAudit } from '../audit.ts';
import { requireOrgActor, type DomainCtx } from '../context.ts';
import { AppError, notFound } from '../errors.ts';
import { isUuid } from '../ids.ts';
import { deploymentCost } from './deployment-steps.ts';
import { enqueueDeployment } from './enqueue-deployment.ts';

export async function redeployPackage(ctx: DomainCtx, appId: string, target: { packageId?: string; version?: string }, kind: 'rollback' | 'redeploy') {
  const actor = requireOrgActor(ctx);
  if (!target.packageId && !target.version) throw new AppError('VALIDATION_ERROR', 'Send package_id or version');
  return ctx.db.transaction(async (tx) => {
    const app = await findAppOrThrow(tx, actor.orgId, appId, { forUpdate: true });
    if (target.packageId && !isUuid(target.packageId)) throw notFound('Package');
    const [pkg] = await tx
      .select()
      .from(packages)
      .where(and(eq(packages.appId, app.id), target.packageId ? eq(packages.id, target.packageId) : eq(packages.version, target.version!)));
    if (!pkg) throw notFound('Package');
    const [previous] = await tx
      .select({ envEncrypted: deployments.envEncrypted })
      .from(deployments)
      .where(and(eq(deployments.packageId, pkg.id), eq(deployments.status, 'completed')))
      .orderBy(desc(deployments.completedAt))
      .limit(1);
    const deployment = await enqueueDeployment(tx, {
      actor,
      orgId: actor.orgId,
      appId: app.id,
      appName: app.name,
      packageId: pkg.id,
      version: pkg.version,
      cost: deploymentCost(pkg.size),
      kind,
      envEncrypted: previous?.envEncrypted ?? null,
      now: ctx.now(),
    });
    await recordAudit(tx, actor, { orgId: actor.orgId, action: `deployment.${kind}`, resourceType: 'deployment', resourceId: deployment.id, metadata: { version: pkg.version } });
    return { deployment, package: pkg };
  });
}
