// The usage event of a deployment reaching a terminal state, written inside that transition's
// transaction: completed → the credits it consumed; failed or cancelled → refunded, so 0 credits.
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client.ts';
import { agentApps } from '../../../db/schema/index.ts';
import { recordUsageEvent } from './record-usage-events.ts';

export type DeploymentOutcome = 'completed' | 'failed' | 'cancelled';

export async function recordDeploymentUsage(
  tx: DbOrTx,
  d: { id: string; orgId: string; appId: string; version: string; creditsReserved: number },
  outcome: DeploymentOutcome,
  at: Date = new Date(),
): Promise<void> {
  const [app] = await tx.select({ name: agentApps.name }).from(agentApps).where(eq(agentApps.id, d.appId));
  const name = app?.name ?? 'a deleted app';
  const description =
    outcome === 'completed'
      ? `Deployed version ${d.version} of '${name}'`
      : `Deployment of version ${d.version} of '${name}' ${outcome === 'failed' ? 'failed' : 'was cancelled'}`;
  await recordUsageEvent(tx, {
    orgId: d.orgId,
    appId: d.appId,
    appName: app?.name ?? null,
    type: 'deployment',
    quantity: 1,
    credits: outcome === 'completed' ? d.creditsReserved : 0,
    description,
    metadata: { deployment_id: d.id, version: d.version, status: outcome },
    occurredAt: at,
  });
}
