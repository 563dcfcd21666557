// The in-process deployment worker (DEPLOYMENT_WORKER=inline): up to DEPLOYMENT_CONCURRENCY jobs at
// once, woken at once by NOTIFY on new deployments and by a timer (expired leases, missed wake-ups).
// A finished job frees a slot and claims again, unless the last claim found the queue empty and no
// wake-up came since (an idle worker does not query the queue after every job).
import crypto from 'node:crypto';
import os from 'node:os';
import type { DatabaseHandle } from '../../db/client.ts';
import type { Services } from '../domain/context.ts';
import { claimNextDeployment } from '../domain/deployments/claim-next-deployment.ts';
import { DEPLOYMENTS_QUEUED_CHANNEL } from '../domain/deployments/deployment-events.ts';
import { runDeployment, type RunOutcome } from '../domain/deployments/run-deployment.ts';

export function newWorkerId(): string {
  return `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;
}

/** Claims and runs one deployment; null when the queue is empty. Used by the worker and the cron route. */
export async function processOneDeployment(services: Services, workerId: string, signal?: AbortSignal): Promise<RunOutcome | null> {
  const cfg = services.config.deployments;
  const claimed = await claimNextDeployment(services.db, { workerId, leaseSeconds: cfg.leaseSeconds, maxAttempts: cfg.maxAttempts });
  if (!claimed) return null;
  return runDeployment(services, claimed, { workerId, leaseSeconds: cfg.leaseSeconds, signal });
}

export type DeploymentWorker = {
  /** Stops claiming, lets running jobs finish for up to `graceMs`, then aborts the rest (their leases expire and another worker resumes them). */
  stop(graceMs?: number): Promise<void>;
  readonly workerId: string;
};

export async function startDeploymentWorker(services: Services, database: Pick<DatabaseHandle, 'listen'>): Promise<DeploymentWorker> {
  const cfg = services.config.deployments;
  const workerId = newWorkerId();
  const shutdown = new AbortController();
  let stopping = false;
  const running = new Set<Promise<void>>();
  let wakeRequested = false;
  let draining = false;
  /** Wake-ups (NOTIFY, timer) so far; `emptyAt` is the count when a claim last found nothing. */
  let wakeups = 0;
  let emptyAt = -1;

  const wake = () => {
    wakeups++;
    fill();
  };
  const fill = () => {
    if (stopping) return;
    if (draining) {
      wakeRequested = true;
      return;
    }
    if (emptyAt === wakeups) return; // the queue was empty and nothing woke us since
    draining = true;
    wakeRequested = false;
    void (async () => {
      try {
        while (!stopping && running.size < cfg.concurrency) {
          const seen = wakeups;
          const claimed = await claimNextDeployment(services.db, { workerId, leaseSeconds: cfg.leaseSeconds, maxAttempts: cfg.maxAttempts });
          if (!claimed) {
            emptyAt = seen;
            break;
          }
          const job = runDeployment(services, claimed, { workerId, leaseSeconds: cfg.leaseSeconds, signal: shutdown.signal })
            .then(
              (outcome) => {
                services.log.info({ deploymentId: claimed.id, status: outcome.status }, 'deployment finished');
                const d = outcome.deployment;
                if (d?.startedAt && d.completedAt && (d.status === 'completed' || d.status === 'failed' || d.status === 'cancelled')) {
                  services.metrics.observeDeployment(d.status, (d.completedAt.getTime() - d.startedAt.getTime()) / 1000);
                }
              },
              (err: unknown) => services.log.error({ err, deploymentId: claimed.id }, 'deployment runner crashed'),
            )
            .finally(() => {
              running.delete(job);
              fill();
            });
          running.add(job);
        }
      } catch (err) {
        if (!stopping) services.log.warn({ err }, 'deployment worker could not claim a job');
      } finally {
        draining = false;
        if (wakeRequested) fill();
      }
    })();
  };

  const unlisten = await database.listen(DEPLOYMENTS_QUEUED_CHANNEL, wake);
  const timer = setInterval(wake, cfg.pollIntervalMs);
  timer.unref();
  wake();
  services.log.info({ workerId, concurrency: cfg.concurrency }, 'deployment worker started');

  return {
    workerId,
    async stop(graceMs = 20_000) {
      stopping = true;
      clearInterval(timer);
      await unlisten().catch(() => undefined);
      const grace = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
      await Promise.race([Promise.allSettled([...running]), grace]);
      shutdown.abort();
      await Promise.allSettled([...running]);
    },
  };
}
