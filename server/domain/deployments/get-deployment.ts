import { and, asc, desc, eq, gt, sql, type SQL } from 'drizzle-orm';
import { deploymentEvents, deployments, DEPLOYMENT_STATUSES, type DeploymentStatus } from '../../../db/schema/index.ts';
import { requireOrgActor, type DomainCtx } from '../context.ts';
import { AppError, notFound } from '../errors.ts';
import { isUuid } from '../ids.ts';

export async function getDeployment(ctx: DomainCtx, deploymentId: string) {
  const actor = requireOrgActor(ctx);
  if (!isUuid(deploymentId)) throw notFound('Deployment');
  const [d] = await ctx.db
    .select()
    .from(deployments)
    .where(and(eq(deployments.id, deploymentId), eq(deployments.orgId, actor.orgId)));
  if (!d) throw notFound('Deployment');
  return d;
}

/** Events of a deployment after `afterSeq`, oldest first (the log of the live view and the API). */
export async function listDeploymentEvents(ctx: DomainCtx, deploymentId: string, afterSeq = 0, limit = 1000) {
  const d = await getDeployment(ctx, deploymentId);
  const events = await ctx.db
    .select()
    .from(deploymentEvents)
    .where(and(eq(deploymentEvents.deploymentId, d.id), gt(deploymentEvents.seq, afterSeq)))
    .orderBy(asc(deploymentEvents.seq))
    .limit(limit);
  return { deployment: d, events };
}

export async function listDeployments(
  ctx: DomainCtx,
  filter: { appId?: string; status?: 'queued' | 'processing' | 'completed' | 'failed' | 'cancelled'; limit: number; before?: Date },
) {
  const actor = requireOrgActor(ctx);
  const conditions: SQL[] = [eq(deployments.orgId, actor.orgId)];
  if (filter.appId) {
    if (!isUuid(filter.appId)) return [];
    conditions.push(eq(deployments.appId, filter.appId));
  }
  if (filter.status) {
    if (!(DEPLOYMENT_STATUSES as readonly string[]).includes(filter.status)) throw new AppError('VALIDATION_ERROR', 'Unknown status');
    // "failed" as clients know it includes cancelled deployments.
    conditions.push(filter.status === 'failed' ? sql`${deployments.status} in ('failed','cancelled')` : eq(deployments.status, filter.status as DeploymentStatus));
  }
  if (filter.before) conditions.push(sql`${deployments.createdAt} < ${filter.before}`);
  return ctx.db
    .select()
    .from(deployments)
    .where(and(...conditions))
    .orderBy(desc(deployments.createdAt))
    .limit(filter.limit);
}
