// The API-call recorder: every REST request authenticated with an API key becomes an `api_call`
// usage event, buffered and written in batches (not one write per request); sessions, anonymous
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

  it('writes by itself once the batch size is reached, and stop() writes what is left', async () => {
    for (let i = 0; i < 5; i++) await call('/api/things', key.key);
    // The fifth buffered call starts a write by itself (no flush() here; the timer is an hour away).
    await vi.waitFor(async () => expect(await stored()).toHaveLength(7), { timeout: 5000, interval: 20 });
    await call('/api/things', key.key);
    await recorder.stop();
    expect(await stored()).toHaveLength(8);
    const [rollup] = await t.db.select().from(usageDaily).where(eq(usageDaily.orgId, owner.orgId));
    expect(rollup).toMatchObject({ type: 'api_call', count: 8, credits: 0 });
  });
});
