// Claims the oldest runnable deployment in a short transaction with FOR UPDATE SKIP LOCKED: a queued
// one, or a processing one whose lease expired (its worker died). The lease is renewed by the worker;
// a job whose attempts are used up is failed (and refunded) instead of being run again.
// One statement finds, locks and updates the row; the "picked up" event and the deployment.started
// webhook are then written together (pipelined on PostgreSQL) before the commit.
import { getTableColumns, sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../../db/client.ts';
import { deployments } from '../../../db/schema/index.ts';
import { recordDeploymentEvent } from './deployment-events.ts';
import { enqueueDeploymentWebhook } from './deployment-webhooks.ts';
import { failDeployment } from './finish-deployment.ts';

export type ClaimOptions = { workerId: string; leaseSeconds: number; maxAttempts: number };

type DeploymentRow = typeof deployments.$inferSelect;

const deploymentColumns = Object.entries(getTableColumns(deployments));

/** A deployments row as returned by raw SQL (column names), mapped like a drizzle select. */
function toDeploymentRow(raw: Record<string, unknown>): DeploymentRow {
  const row: Record<string, unknown> = {};
  for (const [key, column] of deploymentColumns) {
    const value = raw[column.name];
    row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return row as DeploymentRow;
}

export async function claimNextDeployment(db: Db, opts: ClaimOptions): Promise<DeploymentRow | null> {
  for (;;) {
    const claimed = await db.transaction(async (tx) => {
      const [found] = await queryRows<{ candidate_id: string; candidate_status: string; id: string | null } & Record<string, unknown>>(
        tx,
        sql`with candidate as (
              select id, status, attempts from deployments
              where status = 'queued' or (status = 'processing' and lease_expires_at < now())
              order by queued_at
              limit 1
              for update skip locked
            ),
            claimed as (
              update deployments d
              set status = 'processing',
                  attempts = d.attempts + 1,
                  lease_owner = ${opts.workerId},
                  lease_expires_at = now() + make_interval(secs => ${opts.leaseSeconds}),
                  started_at = coalesce(d.started_at, now()),
                  updated_at = now()
              from candidate c
              where d.id = c.id and not (c.status = 'processing' and c.attempts >= ${opts.maxAttempts})
              returning d.*
            )
            select candidate.id as candidate_id, candidate.status as candidate_status, claimed.*
            from candidate left join claimed on claimed.id = candidate.id`,
      );
      if (!found) return null;
      if (found.id === null) return { kind: 'exhausted', id: found.candidate_id } as const;
      const updated = toDeploymentRow(found);
      const resumed = found.candidate_status === 'processing';
      await Promise.all([
        recordDeploymentEvent(tx, updated.id, {
          type: 'status',
          message: resumed ? `Lease expired; resuming (attempt ${updated.attempts})` : `Picked up by a worker (attempt ${updated.attempts})`,
          level: resumed ? 'warn' : 'info',
          data: { status: 'processing', attempt: updated.attempts },
        }),
        resumed ? undefined : enqueueDeploymentWebhook(tx, updated, 'deployment.started'),
      ]);
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
