// Webhook delivery end to end: the deliverer worker against a real node:http receiver (private
// targets allowed in this app), driven by runOnce() and by moving next_attempt_at into the past —
// no sleeps. Signatures, retries with backoff, timeouts that do not block other deliveries, the
// attempt limit, test/redeliver, redirects, leases, the SSRF check at connect time, stop(), and
// that secrets never reach logs or list answers.
import http from 'node:http';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentApps, webhookDeliveries, webhookDeliveryAttempts } from '../../db/schema/index.ts';
import type { Services } from '../domain/context.ts';
import { claimWebhookDeliveries } from '../domain/webhooks/claim-webhook-deliveries.ts';
import { enqueueWebhookEvent } from '../domain/webhooks/enqueue-webhook-event.ts';
import { verifyWebhookSignature } from '../domain/webhooks/webhook-signature.ts';
import { createUserFixture, startTestApp, type Fixture, type TestApp } from '../test/harness.ts';
import { startWebhookDeliverer, type WebhookDeliverer } from '../workers/webhook-deliverer.ts';

const SECRET = 'whsec_receiver_shared_secret_42';

type Received = { path: string; headers: http.IncomingHttpHeaders; body: string; at: number };

/** A receiver whose behaviour depends on the first path segment: ok, flaky, fail, hang, redirect, slow. */
async function startReceiver() {
  const received: Received[] = [];
  const waiting: Array<{ prefix: string; resolve: (r: Received) => void }> = [];
  const counts = new Map<string, number>();
  let releaseSlow: () => void = () => {};
  let slowGate = new Promise<void>((resolve) => (releaseSlow = resolve));
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const path = req.url ?? '/';
      const r: Received = { path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: performance.now() };
      received.push(r);
      for (const w of waiting.filter((x) => path.startsWith(x.prefix))) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve(r);
      }
      const n = (counts.get(path) ?? 0) + 1;
      counts.set(path, n);
      const kind = path.split('/')[1];
      if (kind === 'ok') res.writeHead(200).end('thanks');
      else if (kind === 'flaky') res.writeHead(n === 1 ? 500 : 204).end();
      else if (kind === 'fail') res.writeHead(500).end('nope');
      else if (kind === 'redirect') res.writeHead(302, { Location: `http://127.0.0.1:${port}/ok/after-redirect` }).end();
      else if (kind === 'slow') {
        await slowGate;
        res.writeHead(200).end();
      } else if (kind === 'hang') {
        // never answers
      } else res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    received,
    to: (path: string) => received.filter((r) => r.path === path),
    next(prefix: string) {
      return new Promise<Received>((resolve) => waiting.push({ prefix, resolve }));
    },
    release() {
      releaseSlow();
      slowGate = new Promise<void>((resolve) => (releaseSlow = resolve));
    },
    async close() {
      releaseSlow();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('webhook delivery', () => {
  let t: TestApp;
  let api: Pick<TestApp, 'request'>;
  let owner: Fixture;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let worker: WebhookDeliverer;
  const generatedSecrets: string[] = [];
  let appCounter = 0;

  beforeAll(async () => {
    t = await startTestApp({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true', RATE_LIMIT_AUTHENTICATED_PER_HOUR: '100000' });
    api = t;
    owner = await createUserFixture(t);
    receiver = await startReceiver();
    worker = startWebhookDeliverer({ services: t.services, database: t.database, background: false, timeoutMs: 2_000 });
  });
  afterAll(async () => {
    await worker.stop();
    await receiver.close();
    await t.close();
  });

  async function makeWebhook(path: string, opts: { secret?: string | null; events?: string[]; host?: string } = {}) {
    appCounter += 1;
    const [app] = await t.db.insert(agentApps).values({ orgId: owner.orgId, name: `Delivery Bot ${appCounter}` }).returning();
    const secret = opts.secret === undefined ? SECRET : opts.secret;
    const res = await api.request(`/api/agent-apps/${app.id}/webhooks`, {
      method: 'POST',
      token: owner.token,
      json: { url: `http://${opts.host ?? '127.0.0.1'}:${receiver.port}${path}`, events: opts.events ?? ['deployment.completed'], ...(secret ? { secret } : {}) },
    });
    expect(res.status).toBe(201);
    if (res.body.webhook.secret) generatedSecrets.push(res.body.webhook.secret);
    return { appId: app.id as string, webhookId: res.body.webhook.id as string, secret: (secret ?? res.body.webhook.secret) as string };
  }

  async function emit(appId: string, event: 'deployment.completed' | 'deployment.failed' = 'deployment.completed') {
    const data = {
      deployment_id: crypto.randomUUID(),
      agent_app_id: appId,
      package_id: crypto.randomUUID(),
      version: '1.2.0',
      status: event === 'deployment.completed' ? 'completed' : 'failed',
      duration_seconds: 120,
      s3_url: 'https://s3.amazonaws.com/bucket/app.apkg',
      ...(event === 'deployment.failed' ? { error: 'Package validation failed' } : {}),
    };
    const ids = await t.db.transaction((tx) => enqueueWebhookEvent(tx, { orgId: owner.orgId, appId, event, data }));
    expect(ids).toHaveLength(1);
    return ids[0];
  }

  const row = async (id: string) => (await t.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id)))[0];
  const makeDue = (id: string) => t.db.update(webhookDeliveries).set({ nextAttemptAt: sql`now() - interval '1 second'` }).where(eq(webhookDeliveries.id, id));
  async function deliveriesOf(hook: { appId: string; webhookId: string }) {
    const res = await api.request(`/api/agent-apps/${hook.appId}/webhooks/${hook.webhookId}/deliveries`, { token: owner.token });
    expect(res.status).toBe(200);
    return res.body.deliveries;
  }

  it('delivers a signed payload the receiver can verify with the secret', async () => {
    const hook = await makeWebhook('/ok/signed');
    const id = await emit(hook.appId);
    expect(await worker.runOnce()).toBe(1);

    const [req] = receiver.to('/ok/signed');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['user-agent']).toBe('PixellAgentCloud-Webhooks/1.0');
    expect(req.headers['x-pixell-event']).toBe('deployment.completed');
    expect(req.headers['x-pixell-delivery']).toBe(id);
    const signature = req.headers['x-pixell-signature'] as string;
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(Math.abs(Number(/t=(\d+)/.exec(signature)![1]) - Date.now() / 1000)).toBeLessThan(60);
    expect(verifyWebhookSignature(SECRET, signature, req.body)).toBe(true);
    expect(verifyWebhookSignature('whsec_some_other_secret_value', signature, req.body)).toBe(false);
    expect(verifyWebhookSignature(SECRET, signature, req.body.replace('1.2.0', '6.6.6'))).toBe(false);

    const body = JSON.parse(req.body);
    expect(Object.keys(body)).toEqual(['event', 'timestamp', 'data']);
    expect(Object.keys(body.data)).toEqual(['deployment_id', 'agent_app_id', 'package_id', 'version', 'status', 'duration_seconds', 's3_url']);
    expect(body).toEqual({ ...(await row(id)).payload });

    const [delivery] = await deliveriesOf(hook);
    expect(delivery).toEqual({
      id,
      event: 'deployment.completed',
      status: 'succeeded',
      attempts: 1,
      last_status_code: 200,
      last_error: null,
      next_attempt_at: null,
      created_at: expect.any(String),
      completed_at: expect.any(String),
      attempts_log: [{ attempt: 1, status_code: 200, duration_ms: expect.any(Number), error: null, created_at: expect.any(String) }],
    });
    expect(await worker.runOnce()).toBe(0);
  });

  it('delivers deployment.failed events with the error field', async () => {
    const hook = await makeWebhook('/ok/failed-event', { events: ['deployment.failed'] });
    const id = await emit(hook.appId, 'deployment.failed');
    expect(await worker.runOnce()).toBe(1);
    const [req] = receiver.to('/ok/failed-event');
    expect(req.headers['x-pixell-event']).toBe('deployment.failed');
    const body = JSON.parse(req.body);
    expect(body.event).toBe('deployment.failed');
    expect(body.data).toMatchObject({ status: 'failed', error: 'Package validation failed' });
    expect(Object.keys(body.data).at(-1)).toBe('error');
    expect((await row(id)).status).toBe('succeeded');
  });

  it('lets several workers share the queue without delivering anything twice (SKIP LOCKED)', async () => {
    const hooks = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => makeWebhook(`/ok/shared-${i}`)));
    for (const h of hooks) await emit(h.appId);
    const a = startWebhookDeliverer({ services: t.services, database: t.database, background: false, concurrency: 3 });
    const b = startWebhookDeliverer({ services: t.services, database: t.database, background: false, concurrency: 3 });
    const counts = await Promise.all([a.runOnce(), b.runOnce(), a.runOnce(), b.runOnce()]);
    await Promise.all([a.stop(), b.stop()]);
    expect(counts.reduce((x, y) => x + y, 0)).toBe(6);
    for (let i = 1; i <= 6; i++) expect(receiver.to(`/ok/shared-${i}`)).toHaveLength(1);
  });

  it('retries after a 500 with backoff, then succeeds', async () => {
    const hook = await makeWebhook('/flaky/one');
    const id = await emit(hook.appId);
    expect(await worker.runOnce()).toBe(1);
    let r = await row(id);
    expect(r).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: 500, lastError: 'Target answered HTTP 500', leaseExpiresAt: null });
    const delayS = (r.nextAttemptAt.getTime() - Date.now()) / 1000;
    expect(delayS).toBeGreaterThan(6);
    expect(delayS).toBeLessThan(13);
    expect(await worker.runOnce()).toBe(0); // not due yet

    await makeDue(id);
    expect(await worker.runOnce()).toBe(1);
    r = await row(id);
    expect(r).toMatchObject({ status: 'succeeded', attempts: 2, lastStatusCode: 204, lastError: null });
    expect(r.completedAt).toBeInstanceOf(Date);
    const [delivery] = await deliveriesOf(hook);
    expect(delivery.attempts_log.map((a: { attempt: number; status_code: number; error: string | null }) => [a.attempt, a.status_code, a.error])).toEqual([
      [1, 500, 'Target answered HTTP 500'],
      [2, 204, null],
    ]);
    expect(receiver.to('/flaky/one')).toHaveLength(2);
    // Each attempt is signed anew and both verify.
    for (const req of receiver.to('/flaky/one')) expect(verifyWebhookSignature(SECRET, req.headers['x-pixell-signature'] as string, req.body)).toBe(true);
  });

  it('times out a hanging target without blocking a second delivery', async () => {
    const fast = startWebhookDeliverer({ services: t.services, database: t.database, background: false, timeoutMs: 400, concurrency: 4 });
    const hanging = await makeWebhook('/hang/one');
    const healthy = await makeWebhook('/ok/beside-hang');
    const hangId = await emit(hanging.appId);
    const okId = await emit(healthy.appId);
    expect(await fast.runOnce()).toBe(2);
    await fast.stop();

    const ok = await row(okId);
    expect(ok.status).toBe('succeeded');
    const hang = await row(hangId);
    expect(hang).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: null, lastError: 'Timed out after 400 ms without a response' });
    const [okAttempt] = await t.db.select().from(webhookDeliveryAttempts).where(eq(webhookDeliveryAttempts.deliveryId, okId));
    const [hangAttempt] = await t.db.select().from(webhookDeliveryAttempts).where(eq(webhookDeliveryAttempts.deliveryId, hangId));
    expect(okAttempt.durationMs).toBeLessThan(400);
    expect(hangAttempt.durationMs).toBeGreaterThanOrEqual(350);
    // The healthy delivery was recorded while the hanging one was still waiting.
    expect(okAttempt.createdAt.getTime()).toBeLessThan(hangAttempt.createdAt.getTime());
    expect(receiver.to('/hang/one')).toHaveLength(1);
  });

  it('fails a delivery for good after 8 failed attempts', async () => {
    const hook = await makeWebhook('/fail/always');
    const id = await emit(hook.appId);
    for (let attempt = 1; attempt <= 8; attempt++) {
      await makeDue(id);
      expect(await worker.runOnce()).toBe(1);
      const r = await row(id);
      expect(r.attempts).toBe(attempt);
      expect(r.status).toBe(attempt < 8 ? 'pending' : 'failed');
    }
    const r = await row(id);
    expect(r).toMatchObject({ status: 'failed', attempts: 8, lastStatusCode: 500, lastError: 'Target answered HTTP 500' });
    expect(r.completedAt).toBeInstanceOf(Date);
    await makeDue(id);
    expect(await worker.runOnce()).toBe(0);
    expect(receiver.to('/fail/always')).toHaveLength(8);
    const [delivery] = await deliveriesOf(hook);
    expect(delivery.attempts_log.map((a: { attempt: number }) => a.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('sends test events and redeliveries (same payload, new delivery id, fresh signature)', async () => {
    const hook = await makeWebhook('/ok/test-and-redeliver', { secret: null });
    expect(hook.secret).toMatch(/^whsec_/);
    const test = await api.request(`/api/agent-apps/${hook.appId}/webhooks/${hook.webhookId}/test`, { method: 'POST', token: owner.token });
    expect(test.status).toBe(202);
    expect(await worker.runOnce()).toBe(1);
    const [first] = receiver.to('/ok/test-and-redeliver');
    expect(first.headers['x-pixell-event']).toBe('deployment.completed');
    expect(first.headers['x-pixell-delivery']).toBe(test.body.delivery.id);
    expect(verifyWebhookSignature(hook.secret, first.headers['x-pixell-signature'] as string, first.body)).toBe(true);
    expect(JSON.parse(first.body)).toMatchObject({ event: 'deployment.completed', test: true, data: { agent_app_id: hook.appId, status: 'completed' } });

    const again = await api.request(`/api/agent-apps/${hook.appId}/webhooks/${hook.webhookId}/deliveries/${test.body.delivery.id}/redeliver`, {
      method: 'POST',
      token: owner.token,
    });
    expect(again.status).toBe(202);
    expect(await worker.runOnce()).toBe(1);
    const [, second] = receiver.to('/ok/test-and-redeliver');
    expect(second.body).toBe(first.body);
    expect(second.headers['x-pixell-delivery']).toBe(again.body.delivery.id);
    expect(verifyWebhookSignature(hook.secret, second.headers['x-pixell-signature'] as string, second.body)).toBe(true);
    const deliveries = await deliveriesOf(hook);
    expect(deliveries.map((d: { id: string; status: string }) => [d.id, d.status])).toEqual([
      [again.body.delivery.id, 'succeeded'],
      [test.body.delivery.id, 'succeeded'],
    ]);
  });

  it('does not follow redirects', async () => {
    const hook = await makeWebhook('/redirect/away');
    const id = await emit(hook.appId);
    expect(await worker.runOnce()).toBe(1);
    expect(await row(id)).toMatchObject({ status: 'pending', lastStatusCode: 302, lastError: 'Target answered HTTP 302; redirects are not followed' });
    expect(receiver.to('/ok/after-redirect')).toHaveLength(0);
  });

  it('fails pending deliveries of a webhook deactivated before they were sent', async () => {
    const hook = await makeWebhook('/ok/deactivated');
    const id = await emit(hook.appId);
    await api.request(`/api/agent-apps/${hook.appId}/webhooks/${hook.webhookId}`, { method: 'PATCH', token: owner.token, json: { active: false } });
    expect(await worker.runOnce()).toBe(0);
    expect(await row(id)).toMatchObject({ status: 'failed', attempts: 0, lastError: 'The webhook was deactivated before this delivery was sent' });
    expect(receiver.to('/ok/deactivated')).toHaveLength(0);
  });

  it('makes a delivery whose lease expired claimable again (a worker died mid-attempt)', async () => {
    const hook = await makeWebhook('/ok/lease');
    const id = await emit(hook.appId);
    const [claimed] = await claimWebhookDeliveries(t.db, { limit: 1, leaseSeconds: 60, maxAttempts: 8 });
    expect(claimed).toMatchObject({ id, attempt: 1 });
    expect(await worker.runOnce()).toBe(0); // leased elsewhere
    await t.db.update(webhookDeliveries).set({ leaseExpiresAt: sql`now() - interval '1 second'` }).where(eq(webhookDeliveries.id, id));
    expect(await worker.runOnce()).toBe(1);
    expect(await row(id)).toMatchObject({ status: 'succeeded', attempts: 2 });

    // The same on the last allowed attempt: nothing left to try, the delivery fails.
    const id2 = await emit(hook.appId);
    await t.db.update(webhookDeliveries).set({ attempts: 8, leaseExpiresAt: sql`now() - interval '1 second'` }).where(eq(webhookDeliveries.id, id2));
    expect(await worker.runOnce()).toBe(0);
    expect(await row(id2)).toMatchObject({ status: 'failed', lastError: 'The delivery worker stopped during the last attempt' });
  });

  it('refuses private targets at connect time when they are not allowed', async () => {
    const literal = await makeWebhook('/ok/ssrf-literal');
    const named = await makeWebhook('/ok/ssrf-name', { host: 'localhost' });
    const literalId = await emit(literal.appId);
    const namedId = await emit(named.appId);
    const strictServices: Services = { ...t.services, config: { ...t.services.config, webhookAllowPrivateTargets: false } };
    const strict = startWebhookDeliverer({ services: strictServices, database: t.database, background: false });
    expect(await strict.runOnce()).toBe(2);
    await strict.stop();
    expect(await row(literalId)).toMatchObject({
      status: 'pending',
      lastStatusCode: null,
      lastError: 'Blocked: 127.0.0.1 is a loopback address (127.0.0.0/8); webhooks can only be delivered to public internet addresses',
    });
    expect((await row(namedId)).lastError).toMatch(/^Blocked: localhost (resolves to (127\.0\.0\.1|::1), (a|the) loopback address|is a loopback name)/);
    expect(receiver.received.filter((r) => r.path.startsWith('/ok/ssrf'))).toHaveLength(0);
    const [attempt] = (await deliveriesOf(literal))[0].attempts_log;
    expect(attempt.error).toContain('127.0.0.1');
  });

  it('in the background, wakes on NOTIFY and stop() waits for deliveries in flight', async () => {
    const background = startWebhookDeliverer({ services: t.services, database: t.database, pollIntervalMs: 60_000 });
    const hook = await makeWebhook('/slow/graceful');
    const arrived = receiver.next('/slow/graceful');
    const id = await emit(hook.appId); // the NOTIFY on commit wakes the worker
    await arrived;
    let stopped = false;
    const stopping = background.stop().then(() => (stopped = true));
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    expect((await row(id)).status).toBe('pending');
    receiver.release();
    await stopping;
    expect(await row(id)).toMatchObject({ status: 'succeeded', attempts: 1 });
    // A stopped worker claims nothing more.
    expect(await background.runOnce()).toBe(0);
  });

  it('never writes a secret to the logs or to list answers', async () => {
    const logs = t.logs.join('\n');
    expect(logs).toContain('webhook delivered');
    expect(logs).toContain('webhook delivery attempt failed');
    for (const secret of [SECRET, ...generatedSecrets]) {
      expect(logs).not.toContain(secret);
      const apps = await t.db.select({ id: agentApps.id }).from(agentApps).where(eq(agentApps.orgId, owner.orgId));
      for (const app of apps) {
        const list = await api.request(`/api/agent-apps/${app.id}/webhooks`, { token: owner.token });
        expect(list.text).not.toContain(secret);
      }
    }
    expect(generatedSecrets.length).toBeGreaterThan(0);
  });
});
