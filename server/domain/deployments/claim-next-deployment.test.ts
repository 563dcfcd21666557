// claimNextDeployment: the row it returns is the row as stored (mapped like a drizzle select), the
// claim writes its event (and the deployment.started webhook only for a first pick-up), concurrent
// claims never share a job, and a lease that expired is resumed with a warning.
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploymentEvents, deployments, webhookDeliveries } from '../../../db/schema/index.ts';
import { buildApkg } from '../../apkg/testing/build-apkg.ts';
import { createUserFixture, startTestApp, type TestApp } from '../../test/harness.ts';
import { claimNextDeployment } from './claim-next-deployment.ts';

describe('claimNextDeployment', () => {
  let t: TestApp;
  let token: string;
  let appId: string;

  beforeAll(async () => {
    t = await startTestApp({ DEPLOYMENT_WORKER: 'off' });
    token = (await createUserFixture(t, { credits: 100 })).token;
    appId = (await t.request('/api/agent-apps', { method: 'POST', token, json: { name: 'Claims' } })).body.app.id;
    // The webhook deliverer does not run in this test: deliveries are only queued, nothing is sent.
    const hook = await t.request(`/api/agent-apps/${appId}/webhooks`, { method: 'POST', token, json: { url: 'https://93.184.215.14/webhook', events: ['deployment.started'] } });
    expect(hook.status).toBe(201);
    for (const version of ['1.0.0', '1.0.1']) {
      const form = new FormData();
      form.append('version', version);
      form.append('environment', JSON.stringify({ FROM_UPLOAD: 'x' }));
      form.append('file', new Blob([new Uint8Array(await buildApkg({ version }))]), 'agent.apkg');
      expect((await t.request(`/api/agent-apps/${appId}/packages/deploy`, { method: 'POST', token, body: form })).status).toBe(202);
    }
  });
  afterAll(() => t.close());

  const opts = (workerId: string) => ({ workerId, leaseSeconds: 30, maxAttempts: 3 });
  const started = async (id: string) =>
    (await t.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.event, 'deployment.started'))).filter((d) => (d.payload as { data?: { deployment_id?: string } }).data?.deployment_id === id);

  it('returns the stored row, one job per claim, with its event and webhook', async () => {
    // Three workers, two jobs: two claims succeed with different jobs, one finds nothing.
    const results = await Promise.all(['w1', 'w2', 'w3'].map((w) => claimNextDeployment(t.db, opts(w))));
    const claimed = results.filter((d) => d !== null);
    expect(claimed).toHaveLength(2);
    expect(new Set(claimed.map((d) => d.id)).size).toBe(2);
    for (const d of claimed) {
      const [stored] = await t.db.select().from(deployments).where(eq(deployments.id, d.id));
      expect(d).toEqual(stored);
      expect(d).toMatchObject({ status: 'processing', attempts: 1, leaseOwner: expect.stringMatching(/^w[123]$/) });
      expect(d.startedAt).toBeInstanceOf(Date);
      expect(d.leaseExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 20_000);
      expect(d.steps).toHaveLength(5);
      const events = await t.db.select().from(deploymentEvents).where(eq(deploymentEvents.deploymentId, d.id)).orderBy(asc(deploymentEvents.seq));
      expect(events.map((e) => e.message)).toEqual([expect.stringMatching(/queued/), 'Picked up by a worker (attempt 1)']);
      expect(await started(d.id)).toHaveLength(1);
    }
  });

  it('resumes an expired lease with a warning and no second deployment.started', async () => {
    const [victim] = await t.db.select().from(deployments).where(and(eq(deployments.appId, appId), eq(deployments.version, '1.0.0')));
    await t.db.update(deployments).set({ leaseExpiresAt: new Date(Date.now() - 1000) }).where(eq(deployments.id, victim.id));
    const resumed = await claimNextDeployment(t.db, opts('w4'));
    expect(resumed).toMatchObject({ id: victim.id, attempts: 2, leaseOwner: 'w4', startedAt: victim.startedAt });
    const [last] = await t.db.select().from(deploymentEvents).where(eq(deploymentEvents.deploymentId, victim.id)).orderBy(asc(deploymentEvents.seq)).offset(2);
    expect(last).toMatchObject({ level: 'warn', message: 'Lease expired; resuming (attempt 2)' });
    expect(await started(victim.id)).toHaveLength(1);
  });
});
