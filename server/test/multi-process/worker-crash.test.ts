// Issue 5 §4, faults: a server process is killed with SIGKILL while two deployments are in the
// notify_runtime step (the runtime stub keeps reporting "starting"). A new process takes both over
// once their leases expire: the runtime then reports one healthy (→ completed) and one failed (→
// failed, reservation refunded), and every balance still equals the sum of its ledger.
import fs from 'node:fs';
import http from 'node:http';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle, Db } from '../../../db/client.ts';
import { creditTransactions, deploymentEvents, deployments, organizations } from '../../../db/schema/index.ts';
import { spawnServer, type SpawnedServer } from '../spawn-server.ts';
import { api, connect, createOrgWithKey, createTestDatabase, deployForm, ledgerMismatches, sharedEnv, tempDir, usingPostgres, waitFor, type TestDatabase } from './support.ts';

const LEASE_SECONDS = 3;

type Verdict = 'starting' | 'healthy' | 'failed';

/** A PAR push-API stub: accepts every deployment and reports the verdict the test sets per app. */
function runtimeStub() {
  const verdicts = new Map<string, Verdict>(); // by agentAppId
  const appOf = new Map<string, string>(); // deploymentId → agentAppId
  const posts: { deploymentId: string; agentAppId: string; idempotencyKey: string | undefined }[] = [];
  const polls = new Map<string, number>(); // deploymentId → health polls
  const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (raw += c));
    req.on('end', () => {
      const send = (status: number, json: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
      if (req.method === 'GET' && req.url === '/health') return send(200, { status: 'ok' });
      if (req.method === 'POST' && req.url === '/deploy') {
        const body = JSON.parse(raw) as { deploymentId: string; agentAppId: string };
        posts.push({ deploymentId: body.deploymentId, agentAppId: body.agentAppId, idempotencyKey: req.headers['idempotency-key'] as string | undefined });
        appOf.set(body.deploymentId, body.agentAppId);
        return send(202, { status: 'accepted', deploymentId: body.deploymentId });
      }
      const m = /^\/deployments\/([^/]+)\/health$/.exec(req.url ?? '');
      if (req.method === 'GET' && m) {
        const id = decodeURIComponent(m[1]);
        polls.set(id, (polls.get(id) ?? 0) + 1);
        const verdict = verdicts.get(appOf.get(id) ?? '') ?? 'starting';
        if (verdict === 'healthy') return send(200, { status: 'healthy', healthy: true, message: 'all surfaces up' });
        if (verdict === 'failed') return send(200, { status: 'failed', healthy: false, message: 'ImportError: No module named src.main' });
        return send(200, { status: 'starting', healthy: false, message: 'installing dependencies' });
      }
      send(404, { detail: 'Not Found' });
    });
  });
  return { server, verdicts, posts, polls };
}

describe.skipIf(!usingPostgres)('faults: kill -9 of a server process in the middle of deployments (needs TEST_DB=postgres; PGlite is single-process)', () => {
  let database: TestDatabase;
  let handle: DatabaseHandle;
  let db: Db;
  let dataDir: string;
  let env: Record<string, string>;
  const stub = runtimeStub();
  const servers: SpawnedServer[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = tempDir('pixell-mp-crash-');
    await new Promise<void>((resolve) => stub.server.listen(0, '127.0.0.1', resolve));
    env = {
      ...sharedEnv({ databaseUrl: database.url, dataDir }),
      RUNTIME_URL: `http://127.0.0.1:${(stub.server.address() as { port: number }).port}`,
      RUNTIME_TOKEN: 'runtime-token-for-tests',
      RUNTIME_POLL_INTERVAL_MS: '100',
      RUNTIME_HEALTH_TIMEOUT_SECONDS: '120',
      DEPLOYMENT_WORKER: 'inline',
      DEPLOYMENT_CONCURRENCY: '2',
      DEPLOYMENT_LEASE_SECONDS: String(LEASE_SECONDS),
      DEPLOYMENT_POLL_INTERVAL_MS: '200',
    };
    servers.push(await spawnServer(env, { name: 'first' }));
    handle = await connect(database.url);
    db = handle.db;
  }, 90_000);

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await handle?.close();
    await database?.drop();
    stub.server.closeAllConnections();
    await new Promise<void>((resolve) => stub.server.close(() => resolve()));
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('a new process resumes both deployments after their leases expire: one completes, one fails with a refund; the ledger still sums to every balance', async () => {
    const first = servers[0];
    const org = await createOrgWithKey(db, { credits: 50 });
    const apps: string[] = [];
    for (const name of ['Survivor', 'Casualty']) {
      const res = await api(first, '/api/agent-apps', { method: 'POST', token: org.key, json: { name } });
      expect(res.status).toBe(201);
      apps.push(res.body.app.id);
    }
    const [okApp, failApp] = apps;
    const ids: string[] = [];
    for (const appId of apps) {
      const res = await api(first, `/api/agent-apps/${appId}/packages/deploy`, { method: 'POST', token: org.key, body: await deployForm('1.0.0') });
      expect(res.status).toBe(202);
      ids.push(res.body.deployment.id);
    }
    const [okId, failId] = ids;
    const reserved = await db.select().from(deployments).where(inArray(deployments.id, ids));
    const cost = Object.fromEntries(reserved.map((d) => [d.id, d.creditsReserved]));

    // Both deployments are inside notify_runtime, waiting for the runtime to report healthy.
    await waitFor('both deployments to wait on the runtime', async () => {
      const rows = await db.select().from(deployments).where(inArray(deployments.id, ids));
      const waiting = rows.every((d) => d.status === 'processing' && d.currentStep === 'notify_runtime');
      return waiting && ids.every((id) => (stub.polls.get(id) ?? 0) >= 2);
    });
    const before = await db.select().from(deployments).where(inArray(deployments.id, ids));
    expect(new Set(before.map((d) => d.leaseOwner)).size).toBe(1);
    expect(before[0].leaseOwner).toContain(`:${first.pid}:`);

    expect(await first.kill('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
    const killedAt = Date.now();
    // Nobody finishes them while no process runs.
    const orphaned = await db.select().from(deployments).where(inArray(deployments.id, ids));
    expect(orphaned.map((d) => d.status)).toEqual(['processing', 'processing']);
    const leaseEnds = Math.max(...orphaned.map((d) => d.leaseExpiresAt!.getTime()));
    expect(leaseEnds - killedAt).toBeLessThanOrEqual(LEASE_SECONDS * 1000 + 1000);

    stub.verdicts.set(okApp, 'healthy');
    stub.verdicts.set(failApp, 'failed');
    const second = await spawnServer(env, { name: 'second' });
    servers.push(second);
    const readyAt = Date.now();

    const finals = await waitFor(
      'both deployments to reach a final state',
      async () => {
        const rows = await db.select().from(deployments).where(inArray(deployments.id, ids));
        return rows.every((d) => d.status === 'completed' || d.status === 'failed') ? rows : undefined;
      },
      { timeoutMs: 30_000 },
    );
    // Taken over as soon as the lease allowed: within the lease time plus a few poll intervals.
    expect(Date.now() - readyAt).toBeLessThan(LEASE_SECONDS * 1000 + 10_000);
    const ok = finals.find((d) => d.id === okId)!;
    const failed = finals.find((d) => d.id === failId)!;
    expect(ok).toMatchObject({ status: 'completed', attempts: 2, error: null, leaseOwner: null });
    expect(failed).toMatchObject({ status: 'failed', attempts: 2 });
    expect(failed.error).toContain('ImportError: No module named src.main');
    for (const d of finals) {
      const resumed = await db
        .select()
        .from(deploymentEvents)
        .where(and(eq(deploymentEvents.deploymentId, d.id), eq(deploymentEvents.message, 'Lease expired; resuming (attempt 2)')));
      expect(resumed).toHaveLength(1);
      // Not before the dead worker's lease had run out.
      expect(resumed[0].createdAt.getTime()).toBeGreaterThanOrEqual(orphaned.find((o) => o.id === d.id)!.leaseExpiresAt!.getTime() - 50);
    }
    // The runtime was asked again by the new process, with the same idempotency key.
    expect(stub.posts.filter((p) => p.deploymentId === okId).map((p) => p.idempotencyKey)).toEqual([okId, okId]);

    // Ledger: the completed one's reservation became usage; the failed one's was refunded.
    const ledger = await db.select().from(creditTransactions).where(eq(creditTransactions.orgId, org.orgId));
    expect(ledger.filter((t) => t.type === 'usage').map((t) => t.amount)).toEqual([-cost[okId]]);
    expect(ledger.filter((t) => t.type === 'reservation').map((t) => t.amount)).toEqual([-cost[failId]]);
    expect(ledger.filter((t) => t.type === 'refund').map((t) => t.amount)).toEqual([cost[failId]]);
    const [balance] = await db.select({ credits: organizations.credits }).from(organizations).where(eq(organizations.id, org.orgId));
    expect(balance.credits).toBe(50 - cost[okId]);
    expect(await ledgerMismatches(db)).toEqual([]);

    const app = await api(second, `/api/agent-apps/${okApp}`, { token: org.key });
    expect(app.body.app.active_version).toBe('1.0.0');
    const d = await api(second, `/api/deployments/${failId}`, { token: org.key });
    expect(d.body.deployment).toMatchObject({ status: 'failed', error: expect.stringContaining('ImportError') });
  });
});
