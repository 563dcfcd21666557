// Section 7 of the REST doc: usage events reported by the runtime, metrics, chart, activity and the
// CSV/JSON export (signed link without a cookie, tampered or expired → 403, content = the events).
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../db/client.ts';
import { organizations, usageDaily, usageEvents, usageExports } from '../../db/schema/index.ts';
import { createDownloadUrlSigner, resolveDownloadUrlSecret } from '../adapters/storage/download-url-signer.ts';
import { purgeExpiredUsageExports } from '../domain/usage/purge-expired-usage-exports.ts';
import { addDays, chartLabel, utcDay } from '../domain/usage/usage-days.ts';
import { createApiKeyFixture, createUserFixture, startTestApp, type Fixture, type TestApp } from '../test/harness.ts';

const RUNTIME_TOKEN = 'runtime-token-for-usage-tests-0123456789';
const DAY_MS = 24 * 60 * 60 * 1000;

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ RUNTIME_TOKEN, RATE_LIMIT_AUTHENTICATED_PER_HOUR: '100000', RATE_LIMIT_ANONYMOUS_PER_HOUR: '100000' });
});
afterAll(() => t.close());

const balanceOf = async (orgId: string) => (await t.db.select().from(organizations).where(eq(organizations.id, orgId)))[0].credits;
const ledgerSum = async (orgId: string) =>
  Number((await queryRows<{ s: string }>(t.db, sql`select coalesce(sum(amount), 0) as s from credit_transactions where org_id = ${orgId}`))[0].s);

async function createApp(owner: Fixture, name: string): Promise<string> {
  const res = await t.request('/api/agent-apps', { method: 'POST', token: owner.token, json: { name } });
  expect(res.status).toBe(201);
  return res.body.app.id;
}

function report(json: Record<string, unknown>, token = RUNTIME_TOKEN) {
  return t.request('/api/usage/events', { method: 'POST', token, json });
}

const daysAgo = (n: number, hour = 12) => {
  const d = new Date(Date.now() - n * DAY_MS);
  d.setUTCHours(hour, 0, 0, 0);
  return d.toISOString();
};

describe('POST /api/usage/events (runtime reports)', () => {
  let owner: Fixture;
  let stranger: Fixture;
  let appId: string;
  let strangerAppId: string;

  beforeAll(async () => {
    owner = await createUserFixture(t, { credits: 100 });
    stranger = await createUserFixture(t, { credits: 100 });
    appId = await createApp(owner, 'Support Bot');
    strangerAppId = await createApp(stranger, 'Stranger Bot');
  });

  it('records an invocation, debits its credits through the ledger and is idempotent on event_id', async () => {
    const body = { agent_app_id: appId, type: 'invocation', count: 1, credits: 10, occurred_at: new Date().toISOString(), event_id: 'inv-0001' };
    const first = await report(body);
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      event: { id: expect.any(String), event_id: 'inv-0001', agent_app_id: appId, type: 'invocation', count: 1, credits: 10, occurred_at: body.occurred_at },
      duplicate: false,
      balance: 90,
    });
    const again = await report(body);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ event: { id: first.body.event.id }, duplicate: true, balance: 90 });
    expect(await balanceOf(owner.orgId)).toBe(90);
    expect(await ledgerSum(owner.orgId)).toBe(90);
    const history = await t.request('/api/credits/history?type=usage', { token: owner.token });
    expect(history.body.transactions).toEqual([expect.objectContaining({ type: 'usage', amount: -10, balance_after: 90, description: 'Agent invocation: Support Bot' })]);
  });

  it('concurrent duplicates of one event_id are recorded and charged once', async () => {
    const body = { agent_app_id: appId, type: 'invocation', count: 3, credits: 2, event_id: 'inv-dup-concurrent' };
    const results = await Promise.all(Array.from({ length: 10 }, () => report(body)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 200)).toHaveLength(9);
    expect(await balanceOf(owner.orgId)).toBe(88);
    expect(await t.db.select().from(usageEvents).where(eq(usageEvents.eventId, 'inv-dup-concurrent'))).toHaveLength(1);
  });

  it('accepts an API key of the app’s organization; another organization’s app is 404; a session is 403', async () => {
    const key = (await createApiKeyFixture(t, owner)).key;
    const ok = await report({ agent_app_id: appId, type: 'invocation' }, key);
    expect(ok.status).toBe(201);
    expect(ok.body.event).toMatchObject({ count: 1, credits: 0 });
    const foreign = await report({ agent_app_id: strangerAppId, type: 'invocation', credits: 1 }, key);
    expect(foreign.status).toBe(404);
    expect(await balanceOf(stranger.orgId)).toBe(100);
    expect((await report({ agent_app_id: appId, type: 'invocation' }, owner.token)).status).toBe(403);
    expect((await report({ agent_app_id: appId, type: 'invocation' }, 'wrong-runtime-token')).status).toBe(401);
    expect((await t.request('/api/usage/events', { method: 'POST', json: { agent_app_id: appId, type: 'invocation' } })).status).toBe(401);
  });

  it('refuses bad bodies with 400 and a short balance with 402 (nothing recorded)', async () => {
    const bad = [
      {},
      { agent_app_id: 'nope', type: 'invocation' },
      { agent_app_id: appId, type: 'deployment' },
      { agent_app_id: appId, type: 'invocation', count: 0 },
      { agent_app_id: appId, type: 'invocation', credits: -1 },
      { agent_app_id: appId, type: 'invocation', credits: 1.5 },
      { agent_app_id: appId, type: 'invocation', occurred_at: 'yesterday' },
      { agent_app_id: appId, type: 'invocation', occurred_at: new Date(Date.now() + 3_600_000).toISOString() },
      { agent_app_id: appId, type: 'invocation', event_id: 'has space' },
    ];
    for (const json of bad) {
      const res = await report(json);
      expect(res.status, JSON.stringify(json)).toBe(400);
      expect(res.body.code).toBe('VALIDATION_ERROR');
    }
    const before = await t.db.select().from(usageEvents).where(eq(usageEvents.orgId, owner.orgId));
    const broke = await report({ agent_app_id: appId, type: 'invocation', credits: 1000, event_id: 'too-expensive' });
    expect(broke.status).toBe(402);
    expect(broke.body).toMatchObject({ code: 'INSUFFICIENT_CREDITS', required: 1000, available: 88 });
    expect(await t.db.select().from(usageEvents).where(eq(usageEvents.orgId, owner.orgId))).toHaveLength(before.length);
  });

  it('never lets concurrent reports spend below zero', async () => {
    const org = await createUserFixture(t, { credits: 10 });
    const app = await createApp(org, 'Busy Bot');
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => report({ agent_app_id: app, type: 'invocation', credits: 1, event_id: `busy-${i}` })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(10);
    expect(results.filter((r) => r.status === 402)).toHaveLength(20);
    expect(await balanceOf(org.orgId)).toBe(0);
    expect(await ledgerSum(org.orgId)).toBe(0);
    const [rollup] = await t.db.select().from(usageDaily).where(eq(usageDaily.orgId, org.orgId));
    expect(rollup).toMatchObject({ type: 'invocation', count: 10, credits: 10 });
  });
});

describe('GET /api/usage/metrics, /chart, /activity', () => {
  let owner: Fixture;
  let member: Fixture;
  let appId: string;

  beforeAll(async () => {
    owner = await createUserFixture(t, { credits: 10_000 });
    member = await createUserFixture(t, { orgId: owner.orgId, role: 'member' });
    appId = await createApp(owner, "Data 'Analyzer'");
    // Previous period (30–59 days ago): 4 invocations for 8 credits.
    await report({ agent_app_id: appId, type: 'invocation', count: 4, credits: 8, occurred_at: daysAgo(45), event_id: 'old-1' });
    // Current period: 5 invocations for 10 credits, 3 days ago and today.
    await report({ agent_app_id: appId, type: 'invocation', count: 2, credits: 4, occurred_at: daysAgo(3), event_id: 'cur-1' });
    await report({ agent_app_id: appId, type: 'invocation', count: 3, credits: 6, event_id: 'cur-2' });
    // Older than 60 days: outside both periods.
    await report({ agent_app_id: appId, type: 'invocation', count: 100, credits: 1, occurred_at: daysAgo(90), event_id: 'ancient' });
    // Another organization's usage never shows up.
    const other = await createUserFixture(t, { credits: 1000 });
    await report({ agent_app_id: await createApp(other, 'Other Bot'), type: 'invocation', count: 50, credits: 50, event_id: 'other-1' });
  });

  it('metrics: last 30 days against the 30 before, change in percent with one decimal', async () => {
    const res = await t.request('/api/usage/metrics', { token: member.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      invocations: 5,
      invocationsChange: 25,
      packagesUploaded: 0,
      packagesChange: 0,
      apiCalls: 0,
      apiCallsChange: 0,
      creditsUsed: 10,
      creditsChange: 25,
    });
    expect((await t.request('/api/usage/metrics')).status).toBe(401);
  });

  it('chart: one point per day including empty ones, oldest first, "Jan 01" labels in UTC', async () => {
    const res = await t.request('/api/usage/chart?days=7', { token: owner.token });
    expect(res.status).toBe(200);
    const today = utcDay(new Date());
    const expected = Array.from({ length: 7 }, (_, i) => addDays(today, i - 6)).map((day) => ({
      date: chartLabel(day),
      invocations: day === today ? 3 : day === addDays(today, -3) ? 2 : 0,
      credits: day === today ? 6 : day === addDays(today, -3) ? 4 : 0,
    }));
    expect(res.body).toEqual({ data: expected });
    expect(res.body.data[0].date).toMatch(/^[A-Z][a-z]{2} \d\d$/);
    const byDefault = await t.request('/api/usage/chart', { token: owner.token });
    expect(byDefault.body.data).toHaveLength(30);
    expect((await t.request('/api/usage/chart?days=365', { token: owner.token })).body.data).toHaveLength(365);
    for (const q of ['days=0', 'days=366', 'days=abc', 'days=2.5', 'days=-1']) {
      const bad = await t.request(`/api/usage/chart?${q}`, { token: owner.token });
      expect(bad.status, q).toBe(400);
      expect(bad.body.code).toBe('VALIDATION_ERROR');
    }
  });

  it('activity: newest first with the documented descriptions, limit respected', async () => {
    // An upload and a purchase join the invocations.
    const { buildApkg } = await import('../apkg/testing/build-apkg.ts');
    const form = new FormData();
    form.append('version', '1.0.1');
    form.append('file', new Blob([new Uint8Array(await buildApkg({ version: '1.0.1' }))]), 'agent.apkg');
    expect((await t.request(`/api/agent-apps/${appId}/packages`, { method: 'POST', token: owner.token, body: form })).status).toBe(201);
    const topup = await t.request('/api/credits/topup', { method: 'POST', token: owner.token, json: { package: 'starter' } });
    await t.request(`/api/credits/checkout/${topup.body.sessionId}/pay`, { method: 'POST', token: owner.token });

    const res = await t.request('/api/usage/activity?limit=3', { token: member.token });
    expect(res.status).toBe(200);
    expect(res.body.events).toEqual([
      { id: expect.any(String), type: 'credit_purchase', description: 'Purchased 1,000 credits', value: 1000, timestamp: expect.any(String) },
      { id: expect.any(String), type: 'package_upload', description: "Uploaded version 1.0.1 of 'Data 'Analyzer''", timestamp: expect.any(String) },
      { id: expect.any(String), type: 'invocation', description: "Agent 'Data 'Analyzer'' invoked 3 times", value: 6, timestamp: expect.any(String) },
    ]);
    const all = await t.request('/api/usage/activity', { token: member.token });
    expect(all.body.events.map((e: { type: string }) => e.type)).toEqual(['credit_purchase', 'package_upload', 'invocation', 'invocation', 'invocation', 'invocation']);
    const times = all.body.events.map((e: { timestamp: string }) => Date.parse(e.timestamp));
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    const metrics = await t.request('/api/usage/metrics', { token: member.token });
    expect(metrics.body).toMatchObject({ packagesUploaded: 1, packagesChange: 100 });
    for (const q of ['limit=0', 'limit=101', 'limit=x']) expect((await t.request(`/api/usage/activity?${q}`, { token: owner.token })).status, q).toBe(400);
  });
});

describe('POST /api/usage/export', () => {
  let owner: Fixture;
  let appId: string;

  beforeAll(async () => {
    owner = await createUserFixture(t, { credits: 1000 });
    appId = await createApp(owner, '=HYPERLINK("evil")');
    await report({ agent_app_id: appId, type: 'invocation', count: 2, credits: 3, occurred_at: '2024-03-01T10:00:00.000Z', event_id: 'exp-1' });
    await report({ agent_app_id: appId, type: 'invocation', count: 1, credits: 1, occurred_at: '2024-03-02T23:59:59.999Z', event_id: 'exp-2' });
    await report({ agent_app_id: appId, type: 'invocation', count: 5, credits: 5, occurred_at: '2024-03-03T00:00:00.000Z', event_id: 'exp-outside' });
    const other = await createUserFixture(t, { credits: 1000 });
    await report({ agent_app_id: await createApp(other, 'Other'), type: 'invocation', credits: 1, occurred_at: '2024-03-01T12:00:00.000Z', event_id: 'exp-other' });
  });

  const exportRange = (json: unknown, token = owner.token) => t.request('/api/usage/export', { method: 'POST', token, json });
  /** The download link, fetched against the test server (PUBLIC_URL is localhost). */
  const download = (url: string) => {
    const u = new URL(url);
    return fetch(`${t.baseUrl}${u.pathname}${u.search}`);
  };

  it('answers {downloadUrl, expiresAt}; the link works without a cookie and serves RFC 4180 CSV of exactly the events', async () => {
    const res = await exportRange({ format: 'csv', startDate: '2024-03-01', endDate: '2024-03-02' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ downloadUrl: expect.stringMatching(/^http:\/\/localhost:\d+\/api\/storage\/download\?/), expiresAt: expect.any(String) });
    const ttl = (Date.parse(res.body.expiresAt) - Date.now()) / 1000;
    expect(ttl).toBeGreaterThan(86_400 - 60);
    expect(ttl).toBeLessThanOrEqual(86_400);

    const file = await download(res.body.downloadUrl);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-disposition')).toBe('attachment; filename="pixell-usage-2024-03-01-to-2024-03-02.csv"');
    const text = await file.text();
    const events = await t.db.select().from(usageEvents).where(eq(usageEvents.orgId, owner.orgId));
    const byEventId = (id: string) => events.find((e) => e.eventId === id)!;
    expect(text).toBe(
      [
        'occurred_at,type,agent_app_id,agent_app_name,description,quantity,credits',
        `2024-03-01T10:00:00.000Z,invocation,${appId},"'=HYPERLINK(""evil"")","Agent '=HYPERLINK(""evil"")' invoked 2 times",2,3`,
        `2024-03-02T23:59:59.999Z,invocation,${appId},"'=HYPERLINK(""evil"")","Agent '=HYPERLINK(""evil"")' invoked",1,1`,
        '',
      ].join('\r\n'),
    );
    expect(byEventId('exp-1').quantity).toBe(2);
  });

  it('exports JSON with the same fields', async () => {
    const res = await exportRange({ format: 'json', startDate: '2024-03-02', endDate: '2024-03-03' });
    expect(res.status).toBe(200);
    const file = await download(res.body.downloadUrl);
    expect(file.headers.get('content-disposition')).toContain('pixell-usage-2024-03-02-to-2024-03-03.json');
    expect(JSON.parse(await file.text())).toEqual([
      { occurred_at: '2024-03-02T23:59:59.999Z', type: 'invocation', agent_app_id: appId, agent_app_name: '=HYPERLINK("evil")', description: `Agent '=HYPERLINK("evil")' invoked`, quantity: 1, credits: 1 },
      { occurred_at: '2024-03-03T00:00:00.000Z', type: 'invocation', agent_app_id: appId, agent_app_name: '=HYPERLINK("evil")', description: `Agent '=HYPERLINK("evil")' invoked 5 times`, quantity: 5, credits: 5 },
    ]);
    const empty = await exportRange({ format: 'json', startDate: '2020-01-01', endDate: '2020-01-31' });
    expect(JSON.parse(await (await download(empty.body.downloadUrl)).text())).toEqual([]);
  });

  it('a tampered or expired link is 403', async () => {
    const res = await exportRange({ format: 'csv', startDate: '2024-03-01', endDate: '2024-03-31' });
    const url = new URL(res.body.downloadUrl);
    const sig = url.searchParams.get('sig')!;
    const tampered = new URL(url);
    tampered.searchParams.set('sig', (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1));
    expect((await download(tampered.toString())).status).toBe(403);
    const otherName = new URL(url);
    otherName.searchParams.set('name', 'other.csv');
    expect((await download(otherName.toString())).status).toBe(403);
    const later = new URL(url);
    later.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 3600));
    expect((await download(later.toString())).status).toBe(403);

    // The same link signed two days ago with the server's key has expired.
    const signer = createDownloadUrlSigner({ publicUrl: t.config.publicUrl, secret: resolveDownloadUrlSecret(t.config), defaultTtlSeconds: 86_400, now: () => Date.now() - 2 * DAY_MS });
    const expired = signer.sign(url.searchParams.get('key')!, { fileName: url.searchParams.get('name')! });
    const gone = await download(expired);
    expect(gone.status).toBe(403);
    expect((await gone.json()).error).toMatch(/expired/);
  });

  it('housekeeping deletes expired exports: file and row', async () => {
    const res = await exportRange({ format: 'csv', startDate: '2024-03-01', endDate: '2024-03-01' });
    const key = new URL(res.body.downloadUrl).searchParams.get('key')!;
    expect(await t.services.adapters.storage.head(key)).not.toBeNull();
    expect(await purgeExpiredUsageExports(t.services)).toBe(0);
    await t.db.update(usageExports).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(usageExports.storageKey, key));
    expect(await purgeExpiredUsageExports(t.services)).toBe(1);
    expect(await t.services.adapters.storage.head(key)).toBeNull();
    expect(await t.db.select().from(usageExports).where(eq(usageExports.storageKey, key))).toEqual([]);
    expect((await download(res.body.downloadUrl)).status).toBe(404);
  });

  it('validates the range: dates YYYY-MM-DD, start ≤ end, at most 366 days', async () => {
    const bad = [
      { format: 'xml', startDate: '2024-01-01', endDate: '2024-01-02' },
      { format: 'csv', startDate: '2024-01-02', endDate: '2024-01-01' },
      { format: 'csv', startDate: '2023-01-01', endDate: '2024-01-02' },
      { format: 'csv', startDate: '2024-02-30', endDate: '2024-03-01' },
      { format: 'csv', startDate: '01/01/2024', endDate: '2024-03-01' },
      { format: 'csv', startDate: '2024-01-01' },
    ];
    for (const json of bad) {
      const res = await exportRange(json);
      expect(res.status, JSON.stringify(json)).toBe(400);
      expect(res.body.code).toBe('VALIDATION_ERROR');
    }
    expect((await exportRange({ format: 'csv', startDate: '2024-01-01', endDate: '2024-12-31' })).status).toBe(200); // 366 days (leap year)
    expect((await t.request('/api/usage/export', { method: 'POST', json: { format: 'csv', startDate: '2024-01-01', endDate: '2024-01-02' } })).status).toBe(401);
  });
});
