import { eq } from 'drizzle-orm';
import { deployments } from '../../../db/schema/index.ts';
import { recordAudit } from '../audit.ts';
import { requireOrgActor, type DomainCtx } from '../context.ts';
import { conflict } from '../errors.ts';
import { cancelDeploymentRow } from './finish-deployment.ts';
import { getDeployment } from './get-deployment.ts';

/** Cancels a queued or processing deployment and refunds its reservation; 409 once it has finished. */
export async function cancelDeployment(ctx: DomainCtx, deploymentId: string) {
  const actor = requireOrgActor(ctx);
  const found = await getDeployment(ctx, deploymentId);
  return ctx.db.transaction(async (tx) => {
    const [d] = await tx.select().from(deployments).where(eq(deployments.id, found.id)).for('update');
    if (d.status !== 'queued' && d.status !== 'processing') {
      throw conflict(`This deployment has already ${d.status === 'cancelled' ? 'been cancelled' : d.status}`, { status: d.status });
    }
    const who = actor.kind === 'apiKey' ? 'an API key' : 'a user';
    const updated = await cancelDeploymentRow(tx, d, who);
    await recordAudit(tx, actor, { orgId: actor.orgId, action: 'deployment.cancel', resourceType: 'deployment', resourceId: d.id });
    return updated;
  });
}
