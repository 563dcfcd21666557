// Issue 5 §2, scaling out: two real server processes (A and B) on one PostgreSQL database and one
// DATA_DIR, started at the same moment on an empty database. Migrations are applied once; a session
// opened through A works on B; a deployment uploaded and processed through A is followed live on
// B's event stream (LISTEN/NOTIFY) and its webhook is delivered once although both processes run a
// deliverer; one API key alternating between A and B spends one rate-limit budget, and the API calls
// of both processes land in the same usage roll-up. PGlite is single-process: skipped there.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, type DatabaseHandle, type Db } from '../../../db/client.ts';
import { usageDaily, usageEvents, webhookDeliveries } from '../../../db/schema/index.ts';
import { spawnServer, jsonLogs, type SpawnedServer } from '../spawn-server.ts';
import {
  api,
  connect,
  createOrgWithKey,
  createTestDatabase,
  deployForm,
  ledgerMismatches,
  sharedEnv,
  SseReader,
  tempDir,
  usingPostgres,
  waitFor,
  type TestDatabase,
} from './support.ts';

const CRON = 'multi-process-cron-secret';
const LIMIT = 6;
const journal = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../../../db/migrations/meta/_journal.json'), 'utf8')) as { entries: unknown[] };

type Received = { url: string; headers: http.IncomingHttpHeaders; body: string };

describe.skipIf(!usingPostgres)('scaling out: two server processes on one PostgreSQL (needs TEST_DB=postgres; PGlite is single-process)', () => {
  let database: TestDatabase;
  let handle: DatabaseHandle;
  let db: Db;
  let dataDir: string;
  let a: SpawnedServer;
  let b: SpawnedServer;
  let receiver: http.Server;
  let receiverUrl: string;
  const received: Received[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = tempDir('pixell-mp-scale-');
    receiver = http.createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        received.push({ url: req.url ?? '', headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;

    const env = {
      ...sharedEnv({ databaseUrl: database.url, dataDir }),
      // Neither process runs deployments by itself: processing happens only through the cron route,
      // so the test decides when events are produced.
      DEPLOYMENT_WORKER: 'off',
      CRON_SECRET: CRON,
      RATE_LIMIT_AUTHENTICATED_PER_HOUR: String(LIMIT),
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
    };
    // Both at the same moment, on a database nobody has migrated yet.
    [a, b] = await Promise.all([spawnServer(env, { name: 'A' }), spawnServer(env, { name: 'B' })]);
    handle = await connect(database.url);
    db = handle.db;
  }, 90_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await handle?.close();
    await database?.drop();
    receiver?.closeAllConnections();
    await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('both processes came up on an empty database and every migration was applied exactly once', async () => {
    expect(a.pid).not.toBe(b.pid);
    const rows = await queryRows<{ hash: string; n: number }>(db, sql`select hash, count(*)::int as n from drizzle.__drizzle_migrations group by hash`);
    expect(rows).toHaveLength(journal.entries.length);
    expect(rows.every((r) => r.n === 1)).toBe(true);
    for (const s of [a, b]) {
      expect(jsonLogs(s).some((l) => l.msg === 'database ready, migrations applied')).toBe(true);
      expect((await api(s, '/api/health')).body).toMatchObject({ status: 'healthy', services: { database: 'connected' } });
    }
  });

  it('a session opened through A works on B, and logging out on B ends it on A', async () => {
    const org = await createOrgWithKey(db);
    const login = await api(a, '/api/auth/login', { method: 'POST', json: { email: org.email, password: org.password } });
    expect(login.status).toBe(200);
    const token = login.body.session.access_token as string;
    const onB = await api(b, '/api/auth/session', { token });
    expect(onB.status).toBe(200);
    expect(onB.body.user.email).toBe(org.email);
    expect((await api(b, '/api/auth/logout', { method: 'POST', token })).status).toBe(200);
    const afterLogout = await api(a, '/api/auth/session', { token });
    expect(afterLogout.status).toBe(401);
    expect(afterLogout.body).toEqual({ error: 'Invalid API key or session', code: 'UNAUTHORIZED' });
  });

  it('a deployment uploaded and processed through A is followed live on B, and its webhook is delivered once', async () => {
    const org = await createOrgWithKey(db);
    const app = await api(a, '/api/agent-apps', { method: 'POST', token: org.key, json: { name: 'Scaled' } });
    expect(app.status).toBe(201);
    const appId = app.body.app.id as string;
    const hook = await api(b, `/api/agent-apps/${appId}/webhooks`, { method: 'POST', token: org.key, json: { url: `${receiverUrl}/hooks/scaled`, events: ['deployment.completed'] } });
    expect(hook.status).toBe(201);

    const queued = await api(a, `/api/agent-apps/${appId}/packages/deploy`, { method: 'POST', token: org.key, body: await deployForm('1.0.0') });
    expect(queued.status).toBe(202);
    const id = queued.body.deployment.id as string;

    // B's stream first replays the backlog (the queued event); nothing else exists yet.
    const { status, contentType, reader } = await SseReader.open(`${b.url}/api/deployments/${id}/events`, { authorization: `Bearer ${org.key}` });
    try {
      expect(status).toBe(200);
      expect(contentType).toMatch(/^text\/event-stream/);
      const first = await reader.next();
      expect(first).toMatchObject({ event: 'status', data: { deployment: { status: 'queued' } } });
      expect(first!.data.message).toMatch(/queued/i);

      // Only now is the deployment processed — by A. Everything B streams from here on is live.
      const cron = await api(a, '/api/cron/process-deployments', { method: 'POST', headers: { 'x-cron-secret': CRON } });
      expect(cron.body).toEqual({ processed: true, jobId: id, status: 'completed', duration: expect.any(Number) });

      const events = await reader.readToEnd();
      expect(events.at(-1)!.event).toBe('end');
      const streamed = events.slice(0, -1);
      const live = streamed.slice(1);
      expect(live.some((e) => e.event === 'status' && /Picked up by a worker/.test(e.data.message))).toBe(true);
      expect(live.filter((e) => e.event === 'step' && e.data.data?.status === 'completed').map((e) => e.data.step)).toEqual([
        'validate_package',
        'upload_to_s3',
        'generate_metadata',
        'notify_runtime',
        'finalize',
      ]);
      expect(streamed.at(-1)!.data.deployment.status).toBe('completed');
      // Nothing was lost or reordered on the way: the stream is exactly the stored log.
      const logs = await api(b, `/api/deployments/${id}/logs`, { token: org.key });
      expect(streamed.map((e) => e.id)).toEqual(logs.body.events.map((e: { seq: number }) => String(e.seq)));
    } finally {
      reader.close();
    }

    // Both processes run a webhook deliverer; the event is delivered exactly once.
    const [delivery] = await waitFor('the webhook delivery to succeed', async () => {
      const rows = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, hook.body.webhook.id));
      return rows.length === 1 && rows[0].status === 'succeeded' ? rows : undefined;
    });
    expect(delivery.attempts).toBe(1);
    const hits = received.filter((r) => r.url === '/hooks/scaled');
    expect(hits).toHaveLength(1);
    expect(hits[0].headers['x-pixell-event']).toBe('deployment.completed');
    expect(JSON.parse(hits[0].body)).toMatchObject({ event: 'deployment.completed' });
    expect(await ledgerMismatches(db)).toEqual([]);
  });

  it('one API key alternating between A and B spends one rate-limit budget; the calls of both land in one usage roll-up', async () => {
    const org = await createOrgWithKey(db);
    const servers = [a, b];
    for (let i = 0; i < LIMIT; i++) {
      const res = await api(servers[i % 2], '/api/agent-apps', { token: org.key });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-ratelimit-limit')).toBe(String(LIMIT));
      expect(res.headers.get('x-ratelimit-remaining')).toBe(String(LIMIT - 1 - i));
    }
    for (const s of servers) {
      const over = await api(s, '/api/agent-apps', { token: org.key });
      expect(over.status).toBe(429);
      expect(over.body).toEqual({ error: expect.any(String), code: 'RATE_LIMIT_EXCEEDED' });
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(over.headers.get('x-ratelimit-remaining')).toBe('0');
    }

    // Each process buffers its API calls and writes them about once a second into the same roll-up row.
    const made = LIMIT + 2;
    const total = await waitFor('both processes to record their API calls', async () => {
      const [row] = await queryRows<{ n: number }>(db, sql`select coalesce(sum(count), 0)::int as n from usage_daily where org_id = ${org.orgId} and type = 'api_call'`);
      return row.n === made ? row.n : undefined;
    });
    expect(total).toBe(made);
    const events = await db.select().from(usageEvents).where(and(eq(usageEvents.orgId, org.orgId), eq(usageEvents.type, 'api_call')));
    // Tallied per process and second: fewer rows than calls, but every call counted once.
    expect(events.reduce((n, e) => n + e.quantity, 0)).toBe(made);
    const rollups = await db.select().from(usageDaily).where(and(eq(usageDaily.orgId, org.orgId), eq(usageDaily.type, 'api_call')));
    expect(rollups).toHaveLength(1);
  });
});
