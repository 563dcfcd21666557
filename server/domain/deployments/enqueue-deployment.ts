// Creates a queued deployment inside the caller's transaction: reserves its credits through the
// ledger (402 when the balance is short — the whole transaction then rolls back), writes the
// first event and wakes the workers (NOTIFY, delivered on commit: idle workers claim it at once).
import type { DbOrTx } from '../../../db/client.ts';
import { notify } from '../../../db/client.ts';
import { deployments } from '../../../db/schema/index.ts';
import type { Actor } from '../context.ts';
import { applyCreditChange } from '../credits/apply-credit-change.ts';
import { enqueueDeploymentWebhook } from './deployment-webhooks.ts';
import { DEPLOYMENTS_QUEUED_CHANNEL, recordDeploymentEvent } from './deployment-events.ts';
import { initialSteps } from './deployment-steps.ts';

export async function enqueueDeployment(
  tx: DbOrTx,
  input: {
    actor: Actor;
    orgId: string;
    appId: string;
    appName: string;
    packageId: string;
    version: string;
    cost: number;
    kind: 'deploy' | 'rollback' | 'redeploy';
    envEncrypted: string | null;
    now: Date;
  },
) {
  const { transactionId } = await applyCreditChange(tx, {
    orgId: input.orgId,
    amount: -input.cost,
    type: 'reservation',
    description: `Reserved for deploying ${input.appName} ${input.version}`,
  });
  const [deployment] = await tx
    .insert(deployments)
    .values({
      orgId: input.orgId,
      appId: input.appId,
      packageId: input.packageId,
      version: input.version,
      kind: input.kind,
      status: 'queued',
      steps: initialSteps(),
      creditsReserved: input.cost,
      reservationTransactionId: transactionId,
      envEncrypted: input.envEncrypted,
      createdBy: input.actor.kind === 'anonymous' ? null : input.actor.userId,
      createdByApiKeyId: input.actor.kind === 'apiKey' ? input.actor.apiKeyId : null,
      queuedAt: input.now,
    })
    .returning();
  // Independent writes, sent together (PostgreSQL pipelines them on the transaction's connection).
  await Promise.all([
    recordDeploymentEvent(tx, deployment.id, {
      type: 'status',
      message: `Deployment of ${input.version} queued (${input.cost} credit${input.cost === 1 ? '' : 's'} reserved)`,
      data: { status: 'queued' },
    }),
    enqueueDeploymentWebhook(tx, deployment, 'deployment.queued'),
    notify(tx, DEPLOYMENTS_QUEUED_CHANNEL, deployment.id),
  ]);
  return deployment;
}
