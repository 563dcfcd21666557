// The background work of one server process: the deployment worker (DEPLOYMENT_WORKER=inline), the
// webhook deliverer, and hourly housekeeping (expired sessions, tokens, login failures, rate-limit
// windows). Each is safe to run in several processes at once.
import { lt } from 'drizzle-orm';
import type { DatabaseHandle } from '../../db/client.ts';
import { rateLimitCounters } from '../../db/schema/index.ts';
import { purgeExpiredAuthRows } from '../domain/auth/purge-expired-auth-rows.ts';
import { reencryptSecrets } from '../domain/secrets/reencrypt-secrets.ts';
import { purgeExpiredUsageExports } from '../domain/usage/purge-expired-usage-exports.ts';
import type { Services } from '../domain/context.ts';
import { startDeploymentWorker, type DeploymentWorker } from './deployment-worker.ts';
import { startWebhookDeliverer } from './webhook-deliverer.ts';

export type Workers = { stop(graceMs?: number): Promise<void> };

export async function startWorkers(services: Services, database: Pick<DatabaseHandle, 'listen'>): Promise<Workers> {
  let deploymentWorker: DeploymentWorker | undefined;
  if (services.config.deployments.worker === 'inline') deploymentWorker = await startDeploymentWorker(services, database);
  const deliverer = startWebhookDeliverer({ services, database });

  const housekeeping = async () => {
    try {
      const now = services.now();
      const purged = await purgeExpiredAuthRows(services.db, services.config, now);
      await services.db.delete(rateLimitCounters).where(lt(rateLimitCounters.resetAt, now));
      await purgeExpiredUsageExports(services);
      services.log.debug({ purged }, 'housekeeping done');
    } catch (err) {
      services.log.warn({ err }, 'housekeeping failed');
    }
  };
  // While SECRETS_ENCRYPTION_PREVIOUS_KEYS is set, rewrite values still under an old key (idempotent).
  if (services.config.secretsPreviousKeys.length > 0) {
    reencryptSecrets(services).then(
      (result) => services.log.info({ result }, 're-encrypted secrets with the current SECRETS_ENCRYPTION_KEY'),
      (err: unknown) => services.log.error({ err }, 're-encrypting secrets failed'),
    );
  }
  const timer = setInterval(housekeeping, 60 * 60 * 1000);
  timer.unref();
  void housekeeping();

  return {
    async stop(graceMs = 20_000) {
      clearInterval(timer);
      await Promise.all([deploymentWorker?.stop(graceMs), deliverer.stop()]);
    },
  };
}
