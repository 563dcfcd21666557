// Every step change and log line is a deployment_events row (serial seq); NOTIFY carries only the
// deployment id so listeners re-read rows. The live view, the REST API and a reload see one log.
// The events of one deployment are written one at a time (under its row lock, held until commit) so
// that their seq order is their commit order: a follower that has read up to seq N never misses a
// row with a smaller seq committed later (the runner writes log lines concurrently).
import { sql } from 'drizzle-orm';
import { PgTransaction } from 'drizzle-orm/pg-core';
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

export async function recordDeploymentEvent(db: DbOrTx, deploymentId: string, event: DeploymentEventInput): Promise<number> {
  if (!(db instanceof PgTransaction)) return db.transaction((tx) => recordDeploymentEvent(tx, deploymentId, event));
  const tx = db;
  // FOR NO KEY UPDATE: serializes the writers of this deployment's events without blocking the
  // foreign-key check of the insert below (or of other transactions).
  await tx.execute(sql`select 1 from deployments where id = ${deploymentId} for no key update`);
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
