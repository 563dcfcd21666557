// The deployment event log: one statement per batch writes events in order (seq), applies step changes
// to the row and NOTIFYs once; the runner's writer keeps append order (runtime lines included) while
// batching, and after a failed write writes nothing more and reports the error.
import { and, asc, eq, ne } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../db/client.ts';
import { deploymentEvents, deployments } from '../../../db/schema/index.ts';
import type { RuntimeAdapter } from '../../adapters/runtime/runtime-adapter.ts';
import { buildApkg } from '../../apkg/testing/build-apkg.ts';
import { createUserFixture, startTestApp, type TestApp } from '../../test/harness.ts';
import { claimNextDeployment } from './claim-next-deployment.ts';
import { DEPLOYMENT_EVENTS_CHANNEL, DeploymentEventWriter, writeDeploymentEvents } from './deployment-events.ts';
import { runDeployment } from './run-deployment.ts';

describe('deployment events', () => {
  let t: TestApp;
  let token: string;
  let appId: string;
  let version = 0;

  beforeAll(async () => {
    t = await startTestApp({ DEPLOYMENT_WORKER: 'off' });
    token = (await createUserFixture(t, { credits: 100 })).token;
    appId = (await t.request('/api/agent-apps', { method: 'POST', token, json: { name: 'Events' } })).body.app.id;
  });
  afterAll(() => t.close());

  const queueDeployment = async (): Promise<string> => {
    const v = `1.0.${version++}`;
    const form = new FormData();
    form.append('version', v);
    form.append('file', new Blob([new Uint8Array(await buildApkg({ version: v }))]), 'agent.apkg');
    const res = await t.request(`/api/agent-apps/${appId}/packages/deploy`, { method: 'POST', token, body: form });
    expect(res.status).toBe(202);
    return res.body.deployment.id as string;
  };
  const eventsOf = (id: string) => t.db.select().from(deploymentEvents).where(eq(deploymentEvents.deploymentId, id)).orderBy(asc(deploymentEvents.seq));
  const rowOf = async (id: string) => (await t.db.select().from(deployments).where(eq(deployments.id, id)))[0];

  it('writes a batch in order in one statement, applies its step changes and notifies once', async () => {
    const id = await queueDeployment();
    const notified: string[] = [];
    const unlisten = await t.database.listen(DEPLOYMENT_EVENTS_CHANNEL, (payload) => notified.push(payload));
    try {
      const seq = await writeDeploymentEvents(
        t.db,
        id,
        [
          { type: 'step', step: 'validate_package', message: 'Validate package: started', data: { status: 'processing' } },
          { type: 'log', step: 'validate_package', message: 'line one' },
          { type: 'log', step: 'validate_package', level: 'warn', message: 'line \u0000two' },
          { type: 'step', step: 'validate_package', message: 'Validate package: completed', data: { status: 'completed' } },
          { type: 'step', step: 'upload_to_s3', message: 'Store package: started', data: { status: 'processing' } },
        ],
        [
          { step: 'validate_package', status: 'processing', at: '2026-01-01T00:00:00.000Z' },
          { step: 'validate_package', status: 'completed', at: '2026-01-01T00:00:01.000Z' },
          { step: 'upload_to_s3', status: 'processing', at: '2026-01-01T00:00:02.000Z' },
        ],
      );
      const rows = await eventsOf(id);
      const written = rows.slice(-5);
      expect(written.map((e) => e.message)).toEqual(['Validate package: started', 'line one', 'line \uFFFDtwo', 'Validate package: completed', 'Store package: started']);
      expect(written.map((e) => e.level)).toEqual(['info', 'info', 'warn', 'info', 'info']);
      expect(written[1].data).toBeNull();
      expect(written[0].data).toEqual({ status: 'processing' });
      expect(seq).toBe(written[4].seq);
      const d = await rowOf(id);
      expect(d.currentStep).toBe('upload_to_s3');
      expect(d.steps.slice(0, 3)).toEqual([
        { name: 'validate_package', status: 'completed', startedAt: '2026-01-01T00:00:00.000Z', completedAt: '2026-01-01T00:00:01.000Z' },
        { name: 'upload_to_s3', status: 'processing', startedAt: '2026-01-01T00:00:02.000Z', completedAt: null },
        { name: 'generate_metadata', status: 'pending', startedAt: null, completedAt: null },
      ]);

      // A step started again (resumed run) keeps its first startedAt.
      await writeDeploymentEvents(t.db, id, [{ type: 'step', step: 'upload_to_s3', message: 'Store package: started' }], [{ step: 'upload_to_s3', status: 'processing', at: '2026-01-01T00:01:00.000Z' }]);
      expect((await rowOf(id)).steps[1]).toMatchObject({ status: 'processing', startedAt: '2026-01-01T00:00:02.000Z' });

      await expect.poll(() => notified.filter((p) => p === id).length).toBe(2);
    } finally {
      await unlisten();
    }
    expect(await writeDeploymentEvents(t.db, crypto.randomUUID(), [{ type: 'log', message: 'nobody' }])).toBeNull();
  });

  it('keeps append order across concurrent bursts and writes them in fewer statements', async () => {
    const id = await queueDeployment();
    let statements = 0;
    const counting = new Proxy(t.db, {
      get(target, prop, receiver) {
        if (prop === 'execute') return (...args: Parameters<Db['execute']>) => (statements++, target.execute(...args));
        return Reflect.get(target, prop, receiver);
      },
    });
    const writer = new DeploymentEventWriter(counting, id);
    const expected: string[] = [];
    // Lines logged from timers and I/O callbacks, the way a runtime adapter logs while it works.
    await Promise.all(
      Array.from({ length: 5 }, (_, burst) =>
        new Promise<void>((resolve) =>
          setTimeout(() => {
            for (let i = 0; i < 20; i++) {
              const message = `burst ${burst} line ${i}`;
              expected.push(message);
              writer.append({ type: 'log', step: 'notify_runtime', message });
            }
            resolve();
          }, burst),
        ),
      ),
    );
    await writer.flush();
    expect((await eventsOf(id)).filter((e) => e.type === 'log').map((e) => e.message)).toEqual(expected);
    expect(statements).toBeGreaterThan(0);
    expect(statements).toBeLessThan(expected.length / 4);
  });

  it('writes nothing after a failed write and reports it from flush', async () => {
    const id = await queueDeployment();
    let calls = 0;
    const flaky = new Proxy(t.db, {
      get(target, prop, receiver) {
        if (prop === 'execute') return (...args: Parameters<Db['execute']>) => (++calls === 2 ? Promise.reject(new Error('connection lost')) : target.execute(...args));
        return Reflect.get(target, prop, receiver);
      },
    });
    const writer = new DeploymentEventWriter(flaky, id);
    writer.append({ type: 'log', message: 'first' });
    await writer.flush();
    writer.append({ type: 'log', message: 'second' });
    await expect(writer.flush()).rejects.toThrow('connection lost');
    writer.append({ type: 'log', message: 'third' });
    await expect(writer.flush()).rejects.toThrow('connection lost');
    expect(writer.failed).toBe(true);
    expect((await eventsOf(id)).filter((e) => e.type === 'log').map((e) => e.message)).toEqual(['first']);

    // A deployment that no longer exists (its app was deleted) fails the writer the same way.
    const gone = new DeploymentEventWriter(t.db, crypto.randomUUID());
    gone.append({ type: 'log', message: 'nobody reads this' });
    await expect(gone.flush()).rejects.toThrow('The deployment no longer exists');
  });

  it('records the runtime\'s log lines in the order it emitted them, between the step\'s start and completion', async () => {
    const id = await queueDeployment();
    const emitted: string[] = [];
    const runtime: RuntimeAdapter = {
      kind: 'local',
      async check() {},
      async deploy(request, log) {
        for (let i = 0; i < 3; i++) {
          for (let j = 0; j < 10; j++) {
            emitted.push(`phase ${i} line ${j}`);
            log('info', `phase ${i} line ${j}`);
          }
          await new Promise((resolve) => setImmediate(resolve));
        }
        return { location: `/srv/${request.version}`, envSources: {} };
      },
    };
    const services = { ...t.services, adapters: { ...t.services.adapters, runtime } };
    // Only this deployment is runnable (the earlier tests left theirs queued).
    await t.db.update(deployments).set({ status: 'cancelled' }).where(and(eq(deployments.status, 'queued'), ne(deployments.id, id)));
    const claimed = await claimNextDeployment(t.db, { workerId: 'w-events', leaseSeconds: 30, maxAttempts: 3 });
    expect(claimed?.id).toBe(id);
    const outcome = await runDeployment(services, claimed!, { workerId: 'w-events', leaseSeconds: 30 });
    expect(outcome.status).toBe('completed');

    const events = await eventsOf(id);
    const runtimeStep = events.filter((e) => e.step === 'notify_runtime').map((e) => e.message);
    expect(runtimeStep[0]).toBe('Deploy to runtime: started');
    expect(runtimeStep.filter((m) => m.startsWith('phase '))).toEqual(emitted);
    expect(runtimeStep.indexOf('Deploy to runtime: completed')).toBeGreaterThan(runtimeStep.indexOf(emitted[emitted.length - 1]));
    const done = events.filter((e) => e.type === 'step' && (e.data as { status?: string } | null)?.status === 'completed').map((e) => e.step);
    expect(done).toEqual(['validate_package', 'upload_to_s3', 'generate_metadata', 'notify_runtime', 'finalize']);
    expect(events[events.length - 1].message).toMatch(/^Deployment completed in \d+s/);
    const d = await rowOf(id);
    expect(d.status).toBe('completed');
    expect(d.steps.every((s) => s.status === 'completed' && s.startedAt !== null && s.completedAt !== null)).toBe(true);
  });
});
