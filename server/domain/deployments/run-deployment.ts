// Runs the five steps of a claimed deployment. No transaction is held across the runtime call or any
// other slow work: step changes and log lines (the runtime's included) go through one ordered event
// writer (deployment-events.ts) that batches them into single-statement writes; the runner does not
// wait for those between steps, only before the final transition. The lease is
// renewed while it runs; when renewal fails (cancelled, reaped) the work is aborted and the row is
// left to whoever now owns it.
import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import { eq } from 'drizzle-orm';
import { agentApps, deployments, packages, type DeploymentStepName, type StepState } from '../../../db/schema/index.ts';
import type { Services } from '../context.ts';
import { renewDeploymentLease } from './claim-next-deployment.ts';
import { DeploymentEventWriter, writeDeploymentEvents } from './deployment-events.ts';
import { STEP_LABELS } from './deployment-steps.ts';
import { completeDeployment, failDeployment } from './finish-deployment.ts';
import { resolveDeploymentEnv } from '../secrets/resolve-deployment-env.ts';

type DeploymentRow = typeof deployments.$inferSelect;

export type RunOptions = { workerId: string; leaseSeconds: number; signal?: AbortSignal };

export type RunOutcome = { deploymentId: string; status: 'completed' | 'failed' | 'lost'; deployment: DeploymentRow | null; error?: string };

class StepFailure extends Error {}

async function hashStream(stream: Readable): Promise<{ sha256: string; size: number }> {
  const hash = crypto.createHash('sha256');
  let size = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}

export async function runDeployment(services: Services, claimed: DeploymentRow, opts: RunOptions): Promise<RunOutcome> {
  const { db } = services;
  const id = claimed.id;
  const abort = new AbortController();
  const onOuterAbort = () => abort.abort(new Error('The server is shutting down; the deployment will resume on another worker'));
  opts.signal?.addEventListener('abort', onOuterAbort, { once: true });
  let lost = false;
  const renew = setInterval(
    () => {
      renewDeploymentLease(db, id, opts.workerId, opts.leaseSeconds).then(
        (ok) => {
          if (!ok && !abort.signal.aborted) {
            lost = true;
            abort.abort(new Error('The deployment was cancelled or taken over'));
          }
        },
        (err: unknown) => services.log.warn({ err, deploymentId: id }, 'lease renewal failed'),
      );
    },
    Math.max(500, (opts.leaseSeconds * 1000) / 3),
  );
  renew.unref();

  // Log lines and step changes, written in the order they happen (runtime lines included).
  const events = new DeploymentEventWriter(db, id);
  const log = (level: 'info' | 'warn' | 'error', message: string, step: DeploymentStepName, data?: Record<string, unknown>) =>
    events.append({ type: 'log', step, level, message, data });
  const stepEvent = (name: DeploymentStepName, status: StepState['status']) => ({
    type: 'step' as const,
    step: name,
    level: status === 'failed' ? ('error' as const) : ('info' as const),
    message: `${STEP_LABELS[name]}: ${status === 'processing' ? 'started' : status}`,
    data: { status },
  });
  const setStep = (name: DeploymentStepName, status: StepState['status']) => events.append(stepEvent(name, status), { step: name, status, at: new Date().toISOString() });

  // The claimed row carries the step state: a run resumed after a lease expiry skips finished steps.
  const finished = new Set(claimed.steps.filter((s) => s.status === 'completed').map((s) => s.name));
  let current: DeploymentStepName = 'validate_package';
  const step = async <T>(name: DeploymentStepName, work: () => Promise<T>): Promise<T> => {
    if (abort.signal.aborted) throw abort.signal.reason;
    if (events.failed) await events.flush(); // throws the write error
    if (finished.has(name)) return undefined as T;
    current = name;
    setStep(name, 'processing');
    const result = await work();
    setStep(name, 'completed');
    return result;
  };

  try {
    if (!claimed.packageId) throw new StepFailure('The package of this deployment no longer exists');
    const [found] = await db
      .select({ app: agentApps, pkg: packages })
      .from(packages)
      .leftJoin(agentApps, eq(agentApps.id, claimed.appId))
      .where(eq(packages.id, claimed.packageId));
    const pkg = found?.pkg;
    if (!pkg) throw new StepFailure('The package of this deployment no longer exists');
    const app = found.app;
    if (!app) throw new StepFailure('The agent app of this deployment no longer exists');
    const storage = services.adapters.storage;

    await step('validate_package', async () => {
      const { sha256, size } = await hashStream(await storage.get(pkg.storageKey));
      if (sha256 !== pkg.sha256 || size !== pkg.size) throw new StepFailure('The stored package does not match its checksum; upload it again');
      log('info', `Package ${pkg.version} verified: ${size} bytes, sha256 ${sha256.slice(0, 12)}…`, 'validate_package');
      for (const w of pkg.warnings) log('warn', w, 'validate_package');
    });

    await step('upload_to_s3', async () => {
      const head = await storage.head(pkg.storageKey);
      if (!head) throw new StepFailure('The package object is missing from storage; upload it again');
      const where = storage.describe(pkg.storageKey);
      log('info', `Package stored at ${where.bucket ? `s3://${where.bucket}/` : 'objects/'}${where.key}`, 'upload_to_s3');
    });

    const metadataKey = pkg.storageKey.replace(/\.apkg$/, '') + '.metadata.json';
    await step('generate_metadata', async () => {
      const metadata = {
        deployment_id: id,
        agent_app_id: app.id,
        package_id: pkg.id,
        version: pkg.version,
        sha256: pkg.sha256,
        size: pkg.size,
        manifest: pkg.manifest,
        signature_status: pkg.signatureStatus,
        generated_at: new Date().toISOString(),
      };
      await storage.put(metadataKey, Buffer.from(JSON.stringify(metadata, null, 2)), { contentType: 'application/json' });
      log('info', `Metadata written (${metadataKey.split('/').pop()})`, 'generate_metadata');
    });

    await step('notify_runtime', async () => {
      // Deploy-time environment over the app's secrets, snapshotted with the deployment for rollback.
      const { env, envSources } = await resolveDeploymentEnv(services, claimed);
      const runtime = services.adapters.runtime;
      log('info', `Deploying to the ${runtime.kind === 'local' ? 'embedded local' : 'remote'} runtime`, 'notify_runtime');
      const result = await runtime.deploy(
        {
          deploymentId: id,
          agentAppId: app.id,
          orgId: app.orgId,
          version: pkg.version,
          packageKey: pkg.storageKey,
          packageUrl: await storage.signedUrl(pkg.storageKey, { ttlSeconds: 3600 }),
          packageSha256: pkg.sha256,
          packageSize: pkg.size,
          env,
          envSources,
          isUpdate: app.activePackageId !== null,
        },
        (level, message, data) => log(level, message, 'notify_runtime', data),
        abort.signal,
      );
      const keys = Object.entries(result.envSources).map(([k, source]) => `${k} (${source})`);
      if (keys.length) log('info', `Environment: ${keys.join(', ')}`, 'notify_runtime');
      log('info', `Running at ${result.location}`, 'notify_runtime');
    });

    await step('finalize', async () => {
      log('info', `Marking ${pkg.version} as the live version`, 'finalize');
    });
    const s3Url = await storage.signedUrl(pkg.storageKey);
    await events.flush(); // the completion event comes after every step and log line
    const done = await completeDeployment(db, id, opts.workerId, { s3Url });
    if (!done) return { deploymentId: id, status: 'lost', deployment: null };
    return { deploymentId: id, status: 'completed', deployment: done };
  } catch (err) {
    if (lost) return { deploymentId: id, status: 'lost', deployment: null };
    if (opts.signal?.aborted) {
      // Shutting down: leave the row processing; its lease expires and another worker resumes it.
      return { deploymentId: id, status: 'lost', deployment: null };
    }
    const message = err instanceof Error ? err.message : String(err);
    if (!(err instanceof StepFailure)) services.log.warn({ err, deploymentId: id }, 'deployment step failed');
    try {
      // After the lines already appended (a failed writer has dropped the rest), then the step.
      await events.flush().catch(() => undefined);
      await writeDeploymentEvents(db, id, [stepEvent(current, 'failed')], [{ step: current, status: 'failed', at: new Date().toISOString() }]);
    } catch (e) {
      services.log.warn({ err: e }, 'could not mark the failed step');
    }
    const failed = await failDeployment(db, id, { error: message, workerId: opts.workerId });
    return { deploymentId: id, status: failed ? 'failed' : 'lost', deployment: failed, error: message };
  } finally {
    clearInterval(renew);
    opts.signal?.removeEventListener('abort', onOuterAbort);
    await events.flush().catch(() => undefined); // nothing keeps writing after the run returns
  }
}
