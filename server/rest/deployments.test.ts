import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../db/client.ts';
import { creditTransactions, deployments, organizations, packages } from '../../db/schema/index.ts';
import { buildApkg, type BuildApkgOptions } from '../apkg/testing/build-apkg.ts';
import { claimNextDeployment } from '../domain/deployments/claim-next-deployment.ts';
import { createApiKeyFixture, createUserFixture, startTestApp, type Fixture, type TestApp } from '../test/harness.ts';

const CRON = 'cron-secret-for-tests';

async function form(fields: Record<string, string>, apkg?: Buffer) {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  if (apkg) f.append('file', new Blob([new Uint8Array(apkg)], { type: 'application/octet-stream' }), 'agent.apkg');
  return f;
}

describe('packages, deploy and the deployment queue (sections 5, 9, 11)', () => {
  let t: TestApp;
  let owner: Fixture;
  let stranger: Fixture;
  let key: string;
  let appId: string;

  beforeAll(async () => {
    t = await startTestApp({ DEPLOYMENT_WORKER: 'off', CRON_SECRET: CRON, MAX_PACKAGE_BYTES: String(2 * 1024 * 1024) });
    owner = await createUserFixture(t, { credits: 100 });
    stranger = await createUserFixture(t);
    key = (await createApiKeyFixture(t, owner)).key;
    const res = await t.request('/api/agent-apps', { method: 'POST', token: key, json: { name: 'Deploy Target' } });
    appId = res.body.app.id;
  });
  afterAll(() => t.close());

  const balance = async (orgId = owner.orgId) => (await t.db.select().from(organizations).where(eq(organizations.id, orgId)))[0].credits;
  const ledgerSum = async (orgId = owner.orgId) =>
    Number((await queryRows<{ s: string }>(t.db, sql`select coalesce(sum(amount),0) as s from credit_transactions where org_id = ${orgId}`))[0].s);
  const storedObjects = () => {
    const dir = path.join(t.config.dataDir, 'objects');
    const out: string[] = [];
    const walk = (d: string) => {
      if (!fs.existsSync(d)) return;
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) walk(path.join(d, e.name));
        else out.push(path.join(d, e.name));
      }
    };
    walk(dir);
    return out.filter((f) => !f.endsWith('.tmp'));
  };
  const deploy = async (opts: BuildApkgOptions & { fields?: Record<string, string>; token?: string; app?: string } = {}) =>
    t.request(`/api/agent-apps/${opts.app ?? appId}/packages/deploy`, {
      method: 'POST',
      token: opts.token ?? key,
      body: await form({ version: opts.version ?? '1.0.0', ...opts.fields }, await buildApkg(opts)),
    });
  const cron = () => t.request('/api/cron/process-deployments', { method: 'POST', headers: { 'x-cron-secret': CRON } });

  it('queues a deployment: 202 with the documented body, credits reserved in the ledger', async () => {
    const before = await balance();
    const res = await deploy({ version: '1.0.0', fields: { release_notes: 'First' } });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      deployment: { id: expect.any(String), status: 'queued', message: 'Deployment queued successfully', queued_at: expect.any(String), estimated_duration_seconds: expect.any(Number) },
      package: { id: expect.any(String), version: '1.0.0', size_bytes: expect.any(Number), status: expect.any(String) },
      tracking: {
        status_url: `${t.config.publicUrl}/api/deployments/${res.body.deployment.id}`,
        webhook_url: `${t.config.publicUrl}/api/agent-apps/${appId}/webhooks`,
      },
    });
    expect(Array.isArray(res.body.warnings)).toBe(true);
    expect(await balance()).toBe(before - 1);
    expect(await ledgerSum()).toBe(await balance());
  });

  it('processes it through the cron route to completed, and the reservation becomes usage', async () => {
    const bad = await t.request('/api/cron/process-deployments', { method: 'POST', headers: { 'x-cron-secret': 'wrong' } });
    expect(bad.status).toBe(401);
    expect((await t.request('/api/cron/process-deployments', { method: 'POST' })).status).toBe(401);
    const res = await cron();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ processed: true, jobId: expect.any(String), status: 'completed', duration: expect.any(Number) });
    const d = await t.request(`/api/deployments/${res.body.jobId}`, { token: key });
    expect(d.body.deployment).toMatchObject({ status: 'completed', agent_app_id: appId, version: '1.0.0', error: null });
    expect(d.body.deployment.progress.steps.map((s: { name: string; status: string }) => `${s.name}:${s.status}`)).toEqual([
      'validate_package:completed',
      'upload_to_s3:completed',
      'generate_metadata:completed',
      'notify_runtime:completed',
      'finalize:completed',
    ]);
    const app = await t.request(`/api/agent-apps/${appId}`, { token: key });
    expect(app.body.app.active_version).toBe('1.0.0');
    const usage = await t.db.select().from(creditTransactions).where(eq(creditTransactions.orgId, owner.orgId));
    expect(usage.filter((r) => r.type === 'usage')).toHaveLength(1);
    expect(usage.filter((r) => r.type === 'reservation')).toHaveLength(0);
    const logs = await t.request(`/api/deployments/${res.body.jobId}/logs`, { token: key });
    expect(logs.body.events.length).toBeGreaterThan(5);
    expect((await cron()).body).toEqual({ processed: false, message: 'No jobs to process' });
  });

  it('refuses an invalid package with 400 and the list of problems; nothing is stored or charged', async () => {
    const objects = storedObjects().length;
    const before = await balance();
    const res = await deploy({ version: '2.0.0', env: null, agentYaml: null });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('Package validation failed');
    expect(res.body.details).toEqual(expect.arrayContaining(['Required file missing: agent.yaml', 'Missing required .env file at project root. Create a .env with placeholders or real values.']));
    expect(await balance()).toBe(before);
    expect(storedObjects().length).toBe(objects);
    expect(await t.db.select().from(packages).where(eq(packages.version, '2.0.0'))).toEqual([]);
  });

  it('refuses a version that exists (400 "Version already exists") unless force_overwrite=true', async () => {
    const dup = await deploy({ version: '1.0.0' });
    expect(dup.status).toBe(400);
    expect(dup.body.details).toEqual(['Version already exists']);
    const forced = await deploy({ version: '1.0.0', fields: { force_overwrite: 'true' } });
    expect(forced.status).toBe(202);
    const pkgs = await t.db.select().from(packages).where(eq(packages.appId, appId));
    expect(pkgs.filter((p) => p.version === '1.0.0')).toHaveLength(1);
    await cron();
  });

  it('answers 402 with required/available when credits are short, and writes nothing', async () => {
    const poor = await createUserFixture(t, { credits: 0 });
    const app = await t.request('/api/agent-apps', { method: 'POST', token: poor.token, json: { name: 'Poor' } });
    const objects = storedObjects().length;
    const res = await deploy({ token: poor.token, app: app.body.app.id, version: '1.0.0' });
    expect(res.status).toBe(402);
    expect(res.body).toMatchObject({ error: 'Insufficient credits', required: 1, available: 0 });
    expect(storedObjects().length).toBe(objects);
    expect(await t.db.select().from(packages).where(eq(packages.appId, app.body.app.id))).toEqual([]);
  });

  it('receives small packages in memory and larger ones streamed: both stored with their exact size and SHA-256', async () => {
    // SMALL_PACKAGE_BYTES (1 MiB) is the line between the two ways of receiving a package.
    for (const [version, bytes] of [
      ['7.0.0', 4 * 1024],
      ['7.0.1', 1536 * 1024],
    ] as const) {
      const apkg = await buildApkg({ version, files: { 'assets/blob.bin': randomBytes(bytes) } });
      const res = await t.request(`/api/agent-apps/${appId}/packages/deploy`, { method: 'POST', token: key, body: await form({ version }, apkg) });
      expect(res.status, version).toBe(202);
      const sha256 = createHash('sha256').update(apkg).digest('hex');
      expect(res.body.package).toMatchObject({ version, size_bytes: apkg.length, sha256 });
      const [row] = await t.db.select().from(packages).where(eq(packages.id, res.body.package.id));
      const stored = fs.readFileSync(path.join(t.config.dataDir, 'objects', ...row.storageKey.split('/')));
      expect(createHash('sha256').update(stored).digest('hex'), version).toBe(sha256);
      expect((await t.request(`/api/deployments/${res.body.deployment.id}/cancel`, { method: 'POST', token: key })).status).toBe(200);
    }
  });

  it('answers 413 PAYLOAD_TOO_LARGE past MAX_PACKAGE_BYTES', async () => {
    const res = await deploy({ version: '9.0.0', files: { 'big.bin': randomBytes(3 * 1024 * 1024) } });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('cancels a queued deployment with a refund; cancelling again is 409', async () => {
    const before = await balance();
    const res = await deploy({ version: '3.0.0' });
    expect(await balance()).toBe(before - 1);
    const id = res.body.deployment.id;
    const cancel = await t.request(`/api/deployments/${id}/cancel`, { method: 'POST', token: key });
    expect(cancel.status).toBe(200);
    expect(cancel.body.deployment).toMatchObject({ status: 'failed', cancelled: true, error: 'Deployment was cancelled' });
    expect(await balance()).toBe(before);
    expect((await t.request(`/api/deployments/${id}/cancel`, { method: 'POST', token: key })).status).toBe(409);
    expect(await ledgerSum()).toBe(await balance());
  });

  it('never lets two workers claim one job, resumes an expired lease, and fails with a refund after max attempts', async () => {
    await deploy({ version: '4.0.0' });
    const [a, b] = await Promise.all([
      claimNextDeployment(t.db, { workerId: 'w1', leaseSeconds: 30, maxAttempts: 2 }),
      claimNextDeployment(t.db, { workerId: 'w2', leaseSeconds: 30, maxAttempts: 2 }),
    ]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    const claimed = (a ?? b)!;
    await t.db.update(deployments).set({ leaseExpiresAt: new Date(Date.now() - 1000) }).where(eq(deployments.id, claimed.id));
    const resumed = await claimNextDeployment(t.db, { workerId: 'w3', leaseSeconds: 30, maxAttempts: 2 });
    expect(resumed?.id).toBe(claimed.id);
    expect(resumed?.attempts).toBe(2);
    const before = await balance();
    await t.db.update(deployments).set({ leaseExpiresAt: new Date(Date.now() - 1000) }).where(eq(deployments.id, claimed.id));
    expect(await claimNextDeployment(t.db, { workerId: 'w4', leaseSeconds: 30, maxAttempts: 2 })).toBeNull();
    const [row] = await t.db.select().from(deployments).where(eq(deployments.id, claimed.id));
    expect(row.status).toBe('failed');
    expect(await balance()).toBe(before + 1);
    expect(await ledgerSum()).toBe(await balance());
  });

  it('lists deployments with filters and serves queue stats', async () => {
    const all = await t.request('/api/deployments', { token: key });
    expect(all.status).toBe(200);
    expect(all.body.deployments.length).toBeGreaterThanOrEqual(4);
    const failed = await t.request('/api/deployments?status=failed', { token: key });
    expect(failed.body.deployments.every((d: { status: string }) => d.status === 'failed')).toBe(true);
    const byApp = await t.request(`/api/deployments?app_id=${appId}&status=completed`, { token: key });
    expect(byApp.body.deployments.every((d: { agent_app_id: string; status: string }) => d.agent_app_id === appId && d.status === 'completed')).toBe(true);
    expect((await t.request('/api/deployments?status=bogus', { token: key })).status).toBe(400);
    const stats = await t.request('/api/deployments/queue/stats');
    expect(stats.body).toEqual({
      stats: { queued: expect.any(Number), processing: expect.any(Number), completed: expect.any(Number), failed: expect.any(Number), total: expect.any(Number) },
      health: { status: expect.stringMatching(/^(healthy|warning|critical)$/), message: expect.any(String) },
      metrics: { avgProcessingTimeSeconds: expect.any(Number), lastUpdated: expect.any(String) },
    });
  });

  it('rolls back to an earlier package', async () => {
    const pkgs = await t.request(`/api/agent-apps/${appId}/packages`, { token: key });
    const v1 = pkgs.body.packages.find((p: { version: string }) => p.version === '1.0.0');
    const res = await t.request(`/api/agent-apps/${appId}/rollback`, { method: 'POST', token: key, json: { version: '1.0.0' } });
    expect(res.status).toBe(202);
    expect(res.body.deployment).toMatchObject({ status: 'queued', package_id: v1.id, kind: 'rollback' });
    expect((await cron()).body.status).toBe('completed');
  });

  it('keeps other organizations out (404) and requires authentication (401)', async () => {
    const mine = await t.request('/api/deployments', { token: key });
    const id = mine.body.deployments[0].id;
    for (const [method, p] of [['GET', `/api/deployments/${id}`], ['POST', `/api/deployments/${id}/cancel`], ['GET', `/api/agent-apps/${appId}/packages`], ['POST', `/api/agent-apps/${appId}/rollback`]] as const) {
      const res = await t.request(p, { method, token: stranger.token, json: method === 'POST' ? { version: '1.0.0' } : undefined });
      expect(res.status, `${method} ${p}`).toBe(404);
    }
    const upload = await t.request(`/api/agent-apps/${appId}/packages/deploy`, { method: 'POST', token: stranger.token, body: await form({ version: '5.0.0' }, await buildApkg({ version: '5.0.0' })) });
    expect(upload.status).toBe(404);
    expect((await t.request(`/api/deployments/${id}`)).status).toBe(401);
  });
});
