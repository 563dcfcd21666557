// The ledger under concurrent spending through the real deploy route: 50 simultaneous deploys
// against a balance for 10 accept exactly 10 (202), refuse 40 with 402, and leave the balance at 0
// with the ledger summing to it. Deployments reaching a terminal state become usage events.
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../db/client.ts';
import { deployments, organizations, packages, usageEvents } from '../../db/schema/index.ts';
import { buildApkg } from '../apkg/testing/build-apkg.ts';
import { createApiKeyFixture, createUserFixture, startTestApp, type TestApp } from '../test/harness.ts';

const CRON = 'cron-secret-for-credit-tests';
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ DEPLOYMENT_WORKER: 'off', CRON_SECRET: CRON, RATE_LIMIT_AUTHENTICATED_PER_HOUR: '100000' });
});
afterAll(() => t.close());

const balanceOf = async (orgId: string) => (await t.db.select().from(organizations).where(eq(organizations.id, orgId)))[0].credits;
const ledgerSum = async (orgId: string) =>
  Number((await queryRows<{ s: string }>(t.db, sql`select coalesce(sum(amount), 0) as s from credit_transactions where org_id = ${orgId}`))[0].s);

async function deployForm(version: string) {
  const f = new FormData();
  f.append('version', version);
  f.append('file', new Blob([new Uint8Array(await buildApkg({ version }))], { type: 'application/octet-stream' }), 'agent.apkg');
  return f;
}

describe('credits under concurrent deploys', () => {
  it('50 concurrent deploys against a balance for 10: exactly 10 accepted, 40 refused with 402, balance 0', async () => {
    const owner = await createUserFixture(t, { credits: 10 });
    const { key } = await createApiKeyFixture(t, owner);
    const app = await t.request('/api/agent-apps', { method: 'POST', token: key, json: { name: 'Rush' } });
    const forms = await Promise.all(Array.from({ length: 50 }, (_, i) => deployForm(`1.0.${i}`)));

    const results = await Promise.all(forms.map((body) => t.request(`/api/agent-apps/${app.body.app.id}/packages/deploy`, { method: 'POST', token: key, body })));

    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 202)).toHaveLength(10);
    expect(statuses.filter((s) => s === 402)).toHaveLength(40);
    for (const r of results.filter((x) => x.status === 402)) {
      expect(r.body).toMatchObject({ error: 'Insufficient credits', code: 'INSUFFICIENT_CREDITS', required: 1, available: 0 });
    }
    expect(await balanceOf(owner.orgId)).toBe(0);
    expect(await ledgerSum(owner.orgId)).toBe(0);
    expect(await t.db.select().from(deployments).where(eq(deployments.orgId, owner.orgId))).toHaveLength(10);
    // Refused deploys leave nothing behind: no package row, no usage event.
    expect(await t.db.select().from(packages).where(eq(packages.orgId, owner.orgId))).toHaveLength(10);
    const uploads = (await t.db.select().from(usageEvents).where(eq(usageEvents.orgId, owner.orgId))).filter((e) => e.type === 'package_upload');
    expect(uploads).toHaveLength(10);
  });

  it('a completed deployment is a usage event with its credits; a cancelled one is recorded with 0', async () => {
    const owner = await createUserFixture(t, { credits: 5 });
    const app = await t.request('/api/agent-apps', { method: 'POST', token: owner.token, json: { name: 'Shipper' } });
    const first = await t.request(`/api/agent-apps/${app.body.app.id}/packages/deploy`, { method: 'POST', token: owner.token, body: await deployForm('2.0.0') });
    expect(first.status).toBe(202);
    // The cron route runs the oldest queued job first (other tests' jobs may be ahead): run until ours is done.
    for (let i = 0; i < 20; i++) {
      const run = await t.request('/api/cron/process-deployments', { method: 'POST', headers: { 'x-cron-secret': CRON } });
      if (!run.body.processed || run.body.jobId === first.body.deployment.id) break;
    }
    expect((await t.request(`/api/deployments/${first.body.deployment.id}`, { token: owner.token })).body.deployment.status).toBe('completed');
    const second = await t.request(`/api/agent-apps/${app.body.app.id}/packages/deploy`, { method: 'POST', token: owner.token, body: await deployForm('2.0.1') });
    expect((await t.request(`/api/deployments/${second.body.deployment.id}/cancel`, { method: 'POST', token: owner.token })).status).toBe(200);

    const activity = await t.request('/api/usage/activity', { token: owner.token });
    expect(activity.body.events.filter((e: { type: string }) => e.type === 'deployment')).toEqual([
      { id: expect.any(String), type: 'deployment', description: "Deployment of version 2.0.1 of 'Shipper' was cancelled", value: 0, timestamp: expect.any(String) },
      { id: expect.any(String), type: 'deployment', description: "Deployed version 2.0.0 of 'Shipper'", value: 1, timestamp: expect.any(String) },
    ]);
    const metrics = await t.request('/api/usage/metrics', { token: owner.token });
    expect(metrics.body).toMatchObject({ creditsUsed: 1, packagesUploaded: 2 });
    const balance = await t.request('/api/credits/balance', { token: owner.token });
    expect(balance.body).toMatchObject({ credits: 4, usage_this_month: 1 });
    expect(await ledgerSum(owner.orgId)).toBe(4);
  });
});
