// Terminal transitions. Each runs in one transaction with its ledger change: completion turns the
// reservation into usage; failure and cancellation refund exactly the reservation.
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../../db/client.ts';
import { agentApps, creditTransactions, deployments, type StepState } from '../../../db/schema/index.ts';
import { applyCreditChange } from '../credits/apply-credit-change.ts';
import { recordDeploymentEvent } from './deployment-events.ts';
import { enqueueDeploymentWebhook } from './deployment-webhooks.ts';
import { recordDeploymentUsage } from '../usage/record-deployment-usage.ts';

type DeploymentRow = typeof deployments.$inferSelect;

async function lockDeployment(tx: DbOrTx, id: string): Promise<DeploymentRow | undefined> {
  const [row] = await tx.select().from(deployments).where(eq(deployments.id, id)).for('update');
  return row;
}

/** The step that was running when the deployment stopped is marked failed; later ones stay pending. */
function closeSteps(steps: StepState[], at: string): StepState[] {
  return steps.map((s) => (s.status === 'processing' ? { ...s, status: 'failed', completedAt: at } : s));
}

export async function refundReservation(tx: DbOrTx, d: DeploymentRow, reason: string) {
  if (d.creditsReserved <= 0) return;
  await applyCreditChange(tx, { orgId: d.orgId, amount: d.creditsReserved, type: 'refund', description: `Refund: ${reason} (${d.version})` });
}

/**
 * Marks a queued or processing deployment failed and refunds its reservation. With `workerId` only
 * the lease holder may do it; with `onlyIfLeaseExpired` only a deployment whose lease ran out.
 * Returns the updated row, or null when the deployment had already reached another state.
 */
export async function failDeployment(
  db: Db,
  deploymentId: string,
  opts: { error: string; workerId?: string; onlyIfLeaseExpired?: boolean },
): Promise<DeploymentRow | null> {
  return db.transaction(async (tx) => {
    const d = await lockDeployment(tx, deploymentId);
    if (!d || (d.status !== 'queued' && d.status !== 'processing')) return null;
    if (opts.workerId && d.leaseOwner !== opts.workerId) return null;
    if (opts.onlyIfLeaseExpired && (!d.leaseExpiresAt || d.leaseExpiresAt.getTime() > Date.now())) return null;
    const at = new Date();
    const [updated] = await tx
      .update(deployments)
      .set({ status: 'failed', error: opts.error, steps: closeSteps(d.steps, at.toISOString()), completedAt: at, leaseOwner: null, leaseExpiresAt: null, updatedAt: at })
      .where(eq(deployments.id, d.id))
      .returning();
    await refundReservation(tx, d, 'deployment failed');
    await recordDeploymentUsage(tx, d, 'failed', at);
    await recordDeploymentEvent(tx, d.id, {
      type: 'status',
      level: 'error',
      message: `Deployment failed: ${opts.error}. ${d.creditsReserved} credit${d.creditsReserved === 1 ? '' : 's'} refunded.`,
      data: { status: 'failed', refunded: d.creditsReserved },
    });
    await enqueueDeploymentWebhook(tx, updated, 'deployment.failed');
    return updated;
  });
}

/**
 * Completes a deployment held by `workerId`: reservation → usage, event, webhook, the usage roll-up
 * and the app's live version. The rows shared by every completion of the app (the day's roll-up,
 * then the app row, which uploads to the app hold for their whole transaction) are written last, so
 * their locks are held for the shortest time before the commit.
 */
export async function completeDeployment(db: Db, deploymentId: string, workerId: string, extra: { s3Url?: string | null } = {}): Promise<DeploymentRow | null> {
  return db.transaction(async (tx) => {
    const at = new Date();
    // One conditional UPDATE takes the row lock and re-checks state and owner (nothing else changes
    // the fields the rest reads: version, package, reservation, startedAt).
    const [d] = await tx
      .update(deployments)
      .set({ status: 'completed', currentStep: null, completedAt: at, leaseOwner: null, leaseExpiresAt: null, updatedAt: at })
      .where(and(eq(deployments.id, deploymentId), eq(deployments.status, 'processing'), eq(deployments.leaseOwner, workerId)))
      .returning();
    if (!d) return null;
    const seconds = d.startedAt ? Math.round((at.getTime() - d.startedAt.getTime()) / 1000) : 0;
    // Independent writes, sent together (PostgreSQL pipelines them on the transaction's connection).
    await Promise.all([
      d.reservationTransactionId
        ? tx
            .update(creditTransactions)
            .set({ type: 'usage', description: sql`'Deployment of ' || ${d.version}` })
            .where(and(eq(creditTransactions.id, d.reservationTransactionId), eq(creditTransactions.type, 'reservation')))
        : undefined,
      recordDeploymentEvent(tx, d.id, { type: 'status', message: `Deployment completed in ${seconds}s; ${d.version} is live`, data: { status: 'completed' } }),
      enqueueDeploymentWebhook(tx, d, 'deployment.completed', extra),
    ]);
    await recordDeploymentUsage(tx, d, 'completed', at);
    // Last: uploads to the app lock its row for their whole transaction.
    if (d.packageId) await tx.update(agentApps).set({ activePackageId: d.packageId, updatedAt: at }).where(eq(agentApps.id, d.appId));
    return d;
  });
}

/** Cancels a queued or processing deployment (its worker notices at the next lease renewal) and refunds. */
export async function cancelDeploymentRow(tx: DbOrTx, d: DeploymentRow, cancelledBy: string): Promise<DeploymentRow> {
  const at = new Date();
  const [updated] = await tx
    .update(deployments)
    .set({ status: 'cancelled', error: 'Deployment was cancelled', steps: closeSteps(d.steps, at.toISOString()), completedAt: at, leaseOwner: null, leaseExpiresAt: null, updatedAt: at })
    .where(and(eq(deployments.id, d.id), inArray(deployments.status, ['queued', 'processing'])))
    .returning();
  await refundReservation(tx, d, 'deployment cancelled');
  await recordDeploymentUsage(tx, d, 'cancelled', at);
  await recordDeploymentEvent(tx, d.id, {
    type: 'status',
    level: 'warn',
    message: `Deployment cancelled by ${cancelledBy}. ${d.creditsReserved} credit${d.creditsReserved === 1 ? '' : 's'} refunded.`,
    data: { status: 'cancelled', refunded: d.creditsReserved },
  });
  await enqueueDeploymentWebhook(tx, updated, 'deployment.failed');
  return updated;
}
