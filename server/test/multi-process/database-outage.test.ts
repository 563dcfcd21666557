// Issue 5 §4, faults: the database goes away and comes back. The test runs its own throw-away
// PostgreSQL cluster (Debian's /usr/lib/postgresql/*/bin) so that it can stop it: meanwhile API
// requests answer 503 SERVICE_UNAVAILABLE in the documented error shape and /api/health says
// unhealthy; once it is back the same server process recovers by itself — requests, writes, the
// deployment worker and live progress (LISTEN) all work again without a restart.
// (A webhook target that hangs does not block other deliveries: server/rest/webhooks-delivery.test.ts,
// "times out a hanging target without blocking a second delivery".)
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServer, type SpawnedServer } from '../spawn-server.ts';
import {
  api,
  connect,
  createOrgWithKey,
  deployForm,
  postgresBinDir,
  sharedEnv,
  SseReader,
  startThrowawayCluster,
  tempDir,
  usingPostgres,
  waitFor,
  type Cluster,
  type OrgFixture,
} from './support.ts';

const bin = postgresBinDir();

describe.skipIf(!usingPostgres || !bin)(
  'faults: the database goes away and comes back (needs TEST_DB=postgres and PostgreSQL binaries in /usr/lib/postgresql/*/bin for a cluster of its own)',
  () => {
    let cluster: Cluster;
    let dataDir: string;
    let server: SpawnedServer;
    let org: OrgFixture;

    beforeAll(async () => {
      cluster = await startThrowawayCluster(bin!);
      dataDir = tempDir('pixell-mp-outage-');
      server = await spawnServer({
        ...sharedEnv({ databaseUrl: cluster.url, dataDir }),
        DEPLOYMENT_WORKER: 'inline',
        // Long enough that only NOTIFY (not the timer) wakes the worker within the test.
        DEPLOYMENT_POLL_INTERVAL_MS: '60000',
      });
      const handle = await connect(cluster.url);
      try {
        org = await createOrgWithKey(handle.db);
      } finally {
        await handle.close();
      }
    }, 90_000);

    afterAll(async () => {
      await server?.stop();
      cluster?.destroy();
      if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    }, 60_000);

    it('answers 503 while PostgreSQL is down, reports unhealthy, and recovers without a restart', async () => {
      expect((await api(server, '/api/agent-apps', { token: org.key })).status).toBe(200);
      expect((await api(server, '/api/health')).body.status).toBe('healthy');

      cluster.stop('fast');

      const down = await api(server, '/api/agent-apps', { token: org.key });
      expect(down.status).toBe(503);
      expect(down.body).toEqual({ error: 'The database is unavailable, try again shortly', code: 'SERVICE_UNAVAILABLE', details: { requestId: expect.any(String) } });
      expect(down.body.details.requestId).toBe(down.headers.get('x-request-id'));
      // Anonymous requests and writes too (authentication, rate limiting and the route all need it).
      const login = await api(server, '/api/auth/login', { method: 'POST', json: { email: org.email, password: org.password } });
      expect(login.status).toBe(503);
      expect(login.body.code).toBe('SERVICE_UNAVAILABLE');
      const create = await api(server, '/api/agent-apps', { method: 'POST', token: org.key, json: { name: 'During outage' } });
      expect(create.status).toBe(503);
      expect(create.body.code).toBe('SERVICE_UNAVAILABLE');

      const health = await api(server, '/api/health');
      expect(health.status).toBe(503);
      expect(health.body).toMatchObject({ status: 'unhealthy', services: { database: 'disconnected', auth: 'unavailable' } });

      // A longer outage: every answer stays a prompt 503 (no request waits for a reconnect backoff
      // that has grown to many seconds).
      for (let i = 0; i < 12; i++) {
        const started = Date.now();
        const res = i % 2 === 0 ? await api(server, '/api/agent-apps', { token: org.key }) : await api(server, '/api/health');
        expect(res.status).toBe(503);
        expect(Date.now() - started).toBeLessThan(3000);
      }

      cluster.start();
      const restartedAt = Date.now();

      const healthy = await waitFor(
        'the server to report healthy again',
        async () => {
          const res = await api(server, '/api/health');
          return res.status === 200 ? res : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 200 },
      );
      // Within seconds of the database being back, not after a long reconnect backoff.
      expect(Date.now() - restartedAt).toBeLessThan(10_000);
      expect(healthy.body).toMatchObject({ status: 'healthy', services: { database: 'connected', auth: 'operational' } });
      // Same process all along.
      expect(() => process.kill(server.pid, 0)).not.toThrow();
      expect(server.logs.some((l) => l.includes('shutting down'))).toBe(false);

      const list = await api(server, '/api/agent-apps', { token: org.key });
      expect(list.status).toBe(200);
      const app = await api(server, '/api/agent-apps', { method: 'POST', token: org.key, json: { name: 'After outage' } });
      expect(app.status).toBe(201);
    });

    it('after the outage the worker is woken by NOTIFY again and live progress streams to the end', async () => {
      const app = await api(server, '/api/agent-apps', { method: 'POST', token: org.key, json: { name: 'Live after outage' } });
      expect(app.status).toBe(201);
      const queued = await api(server, `/api/agent-apps/${app.body.app.id}/packages/deploy`, { method: 'POST', token: org.key, body: await deployForm('1.0.0') });
      expect(queued.status).toBe(202);
      const { status, reader } = await SseReader.open(`${server.url}/api/deployments/${queued.body.deployment.id}/events`, { authorization: `Bearer ${org.key}` });
      try {
        expect(status).toBe(200);
        const events = await reader.readToEnd(20_000);
        expect(events.at(-1)!.event).toBe('end');
        expect(events.at(-2)!.data.deployment.status).toBe('completed');
      } finally {
        reader.close();
      }
    });
  },
);
