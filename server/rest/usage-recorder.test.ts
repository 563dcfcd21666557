// The API-call recorder: every REST request authenticated with an API key is counted as `api_call`
// usage, tallied in memory per (key, method, path, status, day) and written in batches as one event
// per tally with quantity = its calls (not one write, nor one row, per request); sessions, anonymous
// requests and the dashboard's tRPC traffic are not counted. Mounted here on a small app in front of
// the real middleware, over the same database as the real app that serves the metrics.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { usageDaily, usageEvents } from '../../db/schema/index.ts';
import { authenticate } from '../http/authenticate.ts';
import { requestId } from '../http/request-id.ts';
import { usageRecorder, type UsageRecorder } from '../http/usage-recorder.ts';
import { createApiKeyFixture, createUserFixture, startTestApp, type Fixture, type TestApp } from '../test/harness.ts';

let t: TestApp;
let recorder: UsageRecorder;
let server: http.Server;
let base: string;
let owner: Fixture;
let key: { id: string; key: string };

beforeAll(async () => {
  t = await startTestApp();
  owner = await createUserFixture(t);
  key = await createApiKeyFixture(t, owner);
  // A long interval: writes happen only through the batch size or an explicit flush.
  recorder = usageRecorder(t.services, { flushIntervalMs: 3_600_000, maxBatch: 5 });
  const app = express();
  app.use(requestId(app, t.services.log));
  const api = express.Router();
  api.use(authenticate({ db: t.db, lucia: t.services.lucia, now: t.services.now }));
  api.use(recorder.middleware);
  api.get('/things', (_req, res) => res.json({ ok: true }));
  api.get('/things/:n', (_req, res) => res.json({ ok: true }));
  api.get('/missing', (_req, res) => res.status(404).json({ error: 'Not found', code: 'NOT_FOUND' }));
  api.use('/trpc', (_req, res) => res.json({ ok: true }));
  app.use('/api', api);
  server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await recorder.stop();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await t.close();
});

const call = (path: string, token?: string) => fetch(base + path, { headers: token ? { authorization: `Bearer ${token}` } : {} }).then((r) => r.text());
const stored = () => t.db.select().from(usageEvents).where(eq(usageEvents.orgId, owner.orgId));
const storedCalls = async () => (await stored()).reduce((n, r) => n + r.quantity, 0);

describe('usageRecorder', () => {
  it('buffers API-key calls and writes them with the roll-up on flush; other traffic is not counted', async () => {
    await call('/api/things?secret=query', key.key);
    await call('/api/missing', key.key);
    await call('/api/things', owner.token); // session
    await call('/api/things'); // anonymous
    await call('/api/trpc/usage.metrics', key.key); // dashboard transport
    expect(await stored()).toHaveLength(0); // nothing written per request

    await recorder.flush();
    const rows = await stored();
    expect(rows).toHaveLength(2);
    expect(rows.map((r) => r.description).sort()).toEqual(['GET /api/missing', 'GET /api/things']);
    expect(rows.every((r) => r.type === 'api_call' && r.quantity === 1 && r.credits === 0 && r.appId === null)).toBe(true);
    expect(rows.find((r) => r.description === 'GET /api/missing')!.metadata).toEqual({ api_key_id: key.id, method: 'GET', path: '/api/missing', status: 404 });

    const metrics = await t.request('/api/usage/metrics', { token: owner.token });
    expect(metrics.body).toMatchObject({ apiCalls: 2, apiCallsChange: 100 });
  });

  it('shares a flush that has not started yet, so a busy server writes whole batches rather than a storm of small ones', async () => {
    const first = recorder.flush();
    expect(recorder.flush()).toBe(first);
    await first;
    expect(recorder.flush()).not.toBe(first);
  });

  it('tallies repeated calls into one event per key, method, path and status, counted in quantity', async () => {
    const before = await stored();
    for (let i = 0; i < 4; i++) await call('/api/things?page=' + i, key.key);
    await call('/api/missing', key.key);
    await call('/api/missing', key.key);
    await recorder.flush();
    const added = (await stored()).filter((r) => !before.some((b) => b.id === r.id));
    expect(added.map((r) => [r.description, r.quantity, (r.metadata as { status: number }).status]).sort()).toEqual([
      ['GET /api/missing', 2, 404],
      ['GET /api/things', 4, 200],
    ]);
    const things = added.find((r) => r.description === 'GET /api/things')!;
    expect(things.metadata).toEqual({ api_key_id: key.id, method: 'GET', path: '/api/things', status: 200 });
    // occurred_at is the first call of the tally: not later than now, not before the calls began.
    expect(things.occurredAt.getTime()).toBeLessThanOrEqual(Date.now());
    expect(things.occurredAt.getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it('writes by itself once the batch size of distinct tallies is reached, and stop() writes what is left', async () => {
    const callsBefore = await storedCalls();
    const rowsBefore = (await stored()).length;
    // Repeats of one tally never start a write on their own…
    for (let i = 0; i < 6; i++) await call('/api/things/0', key.key);
    // …the fifth distinct one does (no flush() here; the timer is an hour away).
    for (let i = 1; i < 5; i++) await call(`/api/things/${i}`, key.key);
    await vi.waitFor(async () => expect(await storedCalls()).toBe(callsBefore + 10), { timeout: 5000, interval: 20 });
    expect((await stored()).length).toBe(rowsBefore + 5);
    await call('/api/things', key.key);
    await recorder.stop();
    expect(await storedCalls()).toBe(callsBefore + 11);
    const [rollup] = await t.db.select().from(usageDaily).where(eq(usageDaily.orgId, owner.orgId));
    expect(rollup).toMatchObject({ type: 'api_call', count: callsBefore + 11, credits: 0 });
  });
});
