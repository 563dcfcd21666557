// Claims the oldest runnable deployment in a short transaction with FOR UPDATE SKIP LOCKED: a queued
// one, or a processing one whose lease expired (its worker died). The lease is renewed by the worker;
// a job whose attempts are used up is failed (and refunded) instead of being run again.
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../../db/client.ts';
import { deployments } from '../../../db/schema/index.ts';
import { recordDeploymentEvent } from './deployment-events.ts';
import { enqueueDeploymentWebhook } from './deployment-webhooks.ts';
import { failDeployment } from './finish-deployment.ts';

export type ClaimOptions = { workerId: string; leaseSeconds: number; maxAttempts: number };

export async function claimNextDeployment(db: Db, opts: ClaimOptions): Promise<typeof deployments.$inferSelect | null> {
  for (;;) {
    const claimed = await db.transaction(async (tx) => {
      const [row] = await queryRows<{ id: string; attempts: number; status: string }>(
        tx,
        sql`select id, attempts, status from deployments
            where status = 'queued' or (status = 'processing' and lease_expires_at < now())
            order by queued_at
            limit 1
            for update skip locked`,
      );
      if (!row) return null;
      if (row.status === 'processing' && row.attempts >= opts.maxAttempts) {
        return { kind: 'exhausted', id: row.id } as const;
      }
      const [updated] = await tx
        .update(deployments)
        .set({
          status: 'processing',
          attempts: sql`${deployments.attempts} + 1`,
          leaseOwner: opts.workerId,
          leaseExpiresAt: sql`now() + make_interval(secs => ${opts.leaseSeconds})`,
          startedAt: sql`coalesce(${deployments.startedAt}, now())`,
          updatedAt: sql`now()`,
        })
        .where(sql`${deployments.id} = ${row.id}`)
        .returning();
      await recordDeploymentEvent(tx, updated.id, {
        type: 'status',
        message: row.status === 'processing' ? `Lease expired; resuming (attempt ${updated.attempts})` : `Picked up by a worker (attempt ${updated.attempts})`,
        level: row.status === 'processing' ? 'warn' : 'info',
        data: { status: 'processing', attempt: updated.attempts },
      });
      if (row.status === 'queued') await enqueueDeploymentWebhook(tx, updated, 'deployment.started');
      return { kind: 'claimed', deployment: updated } as const;
    });
    if (!claimed) return null;
    if (claimed.kind === 'exhausted') {
      await failDeployment(db, claimed.id, {
        error: `Deployment failed: its worker stopped responding ${opts.maxAttempts} times`,
        onlyIfLeaseExpired: true,
      });
      continue;
    }
    return claimed.deployment;
  }
}

/** Extends the lease; false when the deployment is no longer ours (cancelled, reaped, finished). */
export async function renewDeploymentLease(db: Db, deploymentId: string, workerId: string, leaseSeconds: number): Promise<boolean> {
  const rows = await db
    .update(deployments)
    .set({ leaseExpiresAt: sql`now() + make_interval(secs => ${leaseSeconds})` })
    .where(sql`${deployments.id} = ${deploymentId} and ${deployments.leaseOwner} = ${workerId} and ${deployments.status} = 'processing'`)
    .returning({ id: deployments.id });
  return rows.length === 1;
}
