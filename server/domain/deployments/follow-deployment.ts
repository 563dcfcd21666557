// Follows a deployment live: subscribe first, then read the backlog after the client's last seq, then
// every new event as it is committed, until the deployment reaches a final state. Reload, REST and
// the live view therefore show the same log; a reconnect resumes from its last seq without gaps.
import { and, asc, eq, gt } from 'drizzle-orm';
import { deploymentEvents, deployments } from '../../../db/schema/index.ts';
import type { DomainCtx } from '../context.ts';
import { getDeployment } from './get-deployment.ts';

export type FeedSubscribe = (deploymentId: string, onChange: () => void) => Promise<() => void>;
type EventRow = typeof deploymentEvents.$inferSelect;
type DeploymentRow = typeof deployments.$inferSelect;

export type DeploymentUpdate = { event: EventRow; deployment: DeploymentRow };

const FINAL = new Set(['completed', 'failed', 'cancelled']);

export async function* followDeployment(
  ctx: DomainCtx,
  subscribe: FeedSubscribe,
  deploymentId: string,
  afterSeq: number,
  signal: AbortSignal,
): AsyncGenerator<DeploymentUpdate> {
  const first = await getDeployment(ctx, deploymentId); // tenancy check (404)
  let wake: (() => void) | undefined;
  let pending = true;
  const unsubscribe = await subscribe(first.id, () => {
    pending = true;
    wake?.();
  });
  const onAbort = () => wake?.();
  signal.addEventListener('abort', onAbort);
  let last = afterSeq;
  let finalSeen = false;
  try {
    while (!signal.aborted) {
      if (!pending) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          if (pending || signal.aborted) resolve();
        });
        wake = undefined;
        continue;
      }
      pending = false;
      const rows = await ctx.db
        .select()
        .from(deploymentEvents)
        .where(and(eq(deploymentEvents.deploymentId, first.id), gt(deploymentEvents.seq, last)))
        .orderBy(asc(deploymentEvents.seq))
        .limit(500);
      if (rows.length === 500) pending = true;
      if (rows.length === 0) {
        // A wake-up for rows already read with the final state (their NOTIFY came after the read).
        if (finalSeen) return;
        continue;
      }
      const [deployment] = await ctx.db.select().from(deployments).where(eq(deployments.id, first.id));
      for (const event of rows) {
        last = event.seq;
        yield { event, deployment };
      }
      finalSeen = FINAL.has(deployment.status);
      if (!pending && finalSeen) {
        // Drain anything committed together with the final state, then stop.
        const tail = await ctx.db
          .select()
          .from(deploymentEvents)
          .where(and(eq(deploymentEvents.deploymentId, first.id), gt(deploymentEvents.seq, last)))
          .orderBy(asc(deploymentEvents.seq));
        for (const event of tail) {
          last = event.seq;
          yield { event, deployment };
        }
        return;
      }
    }
  } finally {
    unsubscribe();
    signal.removeEventListener('abort', onAbort);
  }
}
