// Every step change and log line is a deployment_events row (serial seq); NOTIFY carries only the
// deployment id so listeners re-read rows. The live view, the REST API and a reload see one log.
import type { DbOrTx } from '../../../db/client.ts';
import { notify } from '../../../db/client.ts';
import { deploymentEvents, type DeploymentStepName } from '../../../db/schema/index.ts';

export const DEPLOYMENT_EVENTS_CHANNEL = 'deployment_events';
export const DEPLOYMENTS_QUEUED_CHANNEL = 'deployments_queued';

export type DeploymentEventInput = {
  type: 'status' | 'step' | 'log';
  step?: DeploymentStepName | null;
  level?: 'info' | 'warn' | 'error';
  message: string;
  data?: Record<string, unknown>;
};

export async function recordDeploymentEvent(tx: DbOrTx, deploymentId: string, event: DeploymentEventInput): Promise<number> {
  const [row] = await tx
    .insert(deploymentEvents)
    .values({
      deploymentId,
      type: event.type,
      step: event.step ?? null,
      level: event.level ?? 'info',
      message: event.message.slice(0, 4000),
      data: event.data ?? null,
    })
    .returning({ seq: deploymentEvents.seq });
  await notify(tx, DEPLOYMENT_EVENTS_CHANNEL, deploymentId);
  return row.seq;
}
