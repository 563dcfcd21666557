// Section 10: deployment webhooks — CRUD shapes, validation, the SSRF policy at creation, tenancy
// (404 for other organizations), audit rows, the enqueue API and the tRPC procedures.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentApps, auditLogs, webhookDeliveries, webhooks } from '../../db/schema/index.ts';
import type { DomainCtx } from '../domain/context.ts';
import { enqueueWebhookEvent, WEBHOOK_DELIVERIES_CHANNEL } from '../domain/webhooks/enqueue-webhook-event.ts';
import { createApiKeyFixture, createUserFixture, startTestApp, type Fixture, type TestApp } from '../test/harness.ts';
import { webhooksRouter } from '../trpc/webhooks.ts';

const PUBLIC_URL = 'https://93.184.215.14/webhook';
const PUBLIC_URL_2 = 'https://[2606:4700:4700::1111]/hooks/pixell';
const SECRET = 'webhook_secret_key_0123456789';

describe('deployment webhooks (section 10)', () => {
  let t: TestApp;
  let api: Pick<TestApp, 'request'>;
  let owner: Fixture;
  let member: Fixture;
  let stranger: Fixture;
  let appId: string;
  let otherAppId: string;
  let strangerAppId: string;

  async function makeApp(f: Fixture, name: string) {
    const [app] = await t.db.insert(agentApps).values({ orgId: f.orgId, name, createdBy: f.userId }).returning();
    return app.id;
  }

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_AUTHENTICATED_PER_HOUR: '100000', RATE_LIMIT_ANONYMOUS_PER_HOUR: '100000' });
    api = t;
    owner = await createUserFixture(t);
    member = await createUserFixture(t, { orgId: owner.orgId, role: 'member' });
    stranger = await createUserFixture(t);
    appId = await makeApp(owner, 'Support Bot');
    otherAppId = await makeApp(owner, 'Other Bot');
    strangerAppId = await makeApp(stranger, 'Stranger Bot');
  });
  afterAll(async () => {
    await t.close();
  });

  const hooks = (app: string) => `/api/agent-apps/${app}/webhooks`;
  async function create(user: Fixture, body: Record<string, unknown>, app = appId) {
    return api.request(hooks(app), { method: 'POST', token: user.token, json: body });
  }

  describe('POST /api/agent-apps/:id/webhooks', () => {
    it('creates a webhook with the caller\'s secret: 201, documented body, no secret echoed, encrypted at rest', async () => {
      const res = await create(owner, { url: PUBLIC_URL, events: ['deployment.failed', 'deployment.completed'], secret: SECRET });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        webhook: { id: expect.any(String), url: PUBLIC_URL, events: ['deployment.completed', 'deployment.failed'], active: true, created_at: expect.any(String) },
      });
      expect(res.text).not.toContain(SECRET);
      const [row] = await t.db.select().from(webhooks).where(eq(webhooks.id, res.body.webhook.id));
      expect(row.secretEncrypted).not.toContain(SECRET);
      expect(t.services.secrets.decrypt(row.secretEncrypted)).toBe(SECRET);
      const audit = await t.db.select().from(auditLogs).where(eq(auditLogs.resourceId, row.id));
      expect(audit.map((a) => a.action)).toEqual(['webhook.create']);
      expect(audit[0].metadata).toEqual({ appId, target: 'https://93.184.215.14', events: ['deployment.completed', 'deployment.failed'], secretGenerated: false });
      expect(JSON.stringify(audit)).not.toContain(SECRET);
    });

    it('generates a whsec_ secret when none is sent and returns it once', async () => {
      const res = await create(member, { url: PUBLIC_URL_2, events: ['deployment.queued'] });
      expect(res.status).toBe(201);
      const secret: string = res.body.webhook.secret;
      expect(secret).toMatch(/^whsec_[A-Za-z0-9]{40}$/);
      const [row] = await t.db.select().from(webhooks).where(eq(webhooks.id, res.body.webhook.id));
      expect(t.services.secrets.decrypt(row.secretEncrypted)).toBe(secret);
      const list = await api.request(hooks(appId), { token: owner.token });
      expect(list.text).not.toContain(secret);
      const audit = await t.db.select().from(auditLogs).where(eq(auditLogs.resourceId, row.id));
      expect(JSON.stringify(audit)).not.toContain(secret);
      expect(t.logs.join('\n')).not.toContain(secret);
    });

    it('rejects invalid input with 400 VALIDATION_ERROR and a detail per field', async () => {
      const cases: Array<[Record<string, unknown>, string, RegExp]> = [
        [{ events: ['deployment.completed'] }, 'url', /required/i],
        [{ url: 'ftp://93.184.215.14/x', events: ['deployment.completed'] }, 'url', /http or https/],
        [{ url: 'not a url', events: ['deployment.completed'] }, 'url', /absolute/],
        [{ url: `https://93.184.215.14/${'a'.repeat(2048)}`, events: ['deployment.completed'] }, 'url', /2048/],
        [{ url: 'https://user:pass@93.184.215.14/x', events: ['deployment.completed'] }, 'url', /credentials/],
        [{ url: PUBLIC_URL, events: [] }, 'events', /at least one/],
        [{ url: PUBLIC_URL }, 'events', /array/],
        [{ url: PUBLIC_URL, events: ['deployment.exploded'] }, 'events.0', /deployment\.queued/],
        [{ url: PUBLIC_URL, events: 'deployment.completed' }, 'events', /array/],
        [{ url: PUBLIC_URL, events: ['deployment.completed'], secret: 'short' }, 'secret', /at least 16/],
        [{ url: PUBLIC_URL, events: ['deployment.completed'], secret: 'has spaces in the secret' }, 'secret', /printable/],
      ];
      for (const [body, path, message] of cases) {
        const res = await create(owner, body);
        expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
        expect(res.body.code).toBe('VALIDATION_ERROR');
        expect(res.body.details).toEqual(expect.arrayContaining([{ path, message: expect.stringMatching(message) }]));
      }
    });

    it.each([
      ['http://127.0.0.1/hook', /127\.0\.0\.1 is a loopback address/],
      ['http://127.0.0.1:4000/api/health', /127\.0\.0\.1 is a loopback address/],
      ['http://localhost:8080/hook', /localhost (resolves to (127\.0\.0\.1|::1), (a|the) loopback address|is a loopback name)/],
      ['http://169.254.169.254/latest/meta-data/', /169\.254\.169\.254 is the cloud metadata endpoint/],
      ['http://[::1]/hook', /::1 is the loopback address/],
      ['http://0x7f000001/hook', /127\.0\.0\.1 is a loopback address/],
      ['http://2130706433/hook', /127\.0\.0\.1 is a loopback address/],
      ['http://0177.0.0.1/hook', /127\.0\.0\.1 is a loopback address/],
      ['http://127.1/hook', /127\.0\.0\.1 is a loopback address/],
      ['http://10.0.0.5/hook', /private network address \(10\.0\.0\.0\/8\)/],
      ['http://172.16.3.4/hook', /private network address \(172\.16\.0\.0\/12\)/],
      ['http://192.168.1.20/hook', /private network address \(192\.168\.0\.0\/16\)/],
      ['http://100.64.0.1/hook', /carrier-grade NAT/],
      ['http://0.0.0.0:80/hook', /this network/],
      ['http://[fe80::1]/hook', /link-local/],
      ['http://[fd00::1]/hook', /unique-local/],
      ['http://[::ffff:127.0.0.1]/hook', /IPv4-mapped 127\.0\.0\.1, a loopback address/],
      ['http://[::ffff:a9fe:a9fe]/hook', /IPv4-mapped 169\.254\.169\.254/],
      ['http://224.0.0.1/hook', /multicast/],
      ['https://no-such-host.invalid/hook', /could not be resolved/],
    ])('refuses %s at creation (SSRF policy)', async (url, reason) => {
      const res = await create(owner, { url, events: ['deployment.completed'] });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_ERROR');
      expect(res.body.error).toBe('Webhook URL is not allowed');
      expect(res.body.details).toHaveLength(1);
      expect(res.body.details[0].path).toBe('url');
      expect(res.body.details[0].message).toMatch(reason);
      expect(res.body.details[0].message).toMatch(/webhooks can only be delivered to public internet addresses$/);
    });

    it('answers 404 for another organization\'s app (before judging the URL) and 401 without credentials', async () => {
      const res = await create(owner, { url: 'http://127.0.0.1/x', events: ['deployment.completed'] }, strangerAppId);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: 'Agent app not found', code: 'NOT_FOUND' });
      expect((await create(owner, { url: PUBLIC_URL, events: ['deployment.completed'] }, 'not-a-uuid')).status).toBe(404);
      const anon = await api.request(hooks(appId), { method: 'POST', json: { url: PUBLIC_URL, events: ['deployment.completed'] } });
      expect(anon.status).toBe(401);
      expect(anon.body.code).toBe('UNAUTHORIZED');
    });

    it('works with an API key of the organization', async () => {
      const key = await createApiKeyFixture(t, member);
      const res = await api.request(hooks(otherAppId), { method: 'POST', token: key.key, json: { url: PUBLIC_URL, events: ['deployment.started'] } });
      expect(res.status).toBe(201);
      const audit = await t.db.select().from(auditLogs).where(eq(auditLogs.resourceId, res.body.webhook.id));
      expect(audit[0].actorApiKeyId).toBe(key.id);
    });
  });

  describe('GET /api/agent-apps/:id/webhooks', () => {
    it('lists the app\'s webhooks, oldest first, in the documented shape without secrets', async () => {
      const res = await api.request(hooks(appId), { token: member.token });
      expect(res.status).toBe(200);
      expect(res.body.webhooks.length).toBeGreaterThanOrEqual(2);
      for (const w of res.body.webhooks) {
        expect(w).toEqual({ id: expect.any(String), url: expect.any(String), events: expect.any(Array), active: expect.any(Boolean), created_at: expect.any(String) });
      }
      expect(res.body.webhooks[0].url).toBe(PUBLIC_URL);
      expect(res.text).not.toContain('secret');
      const other = await api.request(hooks(otherAppId), { token: member.token });
      expect(other.body.webhooks.map((w: { events: string[] }) => w.events)).toEqual([['deployment.started']]);
    });

    it('is 404 for another organization\'s app', async () => {
      const res = await api.request(hooks(strangerAppId), { token: owner.token });
      expect(res.status).toBe(404);
      const own = await api.request(hooks(strangerAppId), { token: stranger.token });
      expect(own.body).toEqual({ webhooks: [] });
    });
  });

  describe('PATCH, DELETE and the per-webhook routes', () => {
    let webhookId: string;
    beforeAll(async () => {
      webhookId = (await create(owner, { url: PUBLIC_URL, events: ['deployment.completed'], secret: SECRET })).body.webhook.id;
    });
    const one = (id = webhookId, app = appId) => `${hooks(app)}/${id}`;

    it('PATCH toggles active, replaces events and URL, with an audit row naming the fields', async () => {
      const off = await api.request(one(), { method: 'PATCH', token: member.token, json: { active: false } });
      expect(off.status).toBe(200);
      expect(off.body).toEqual({ webhook: { id: webhookId, url: PUBLIC_URL, events: ['deployment.completed'], active: false, created_at: expect.any(String) } });
      const changed = await api.request(one(), {
        method: 'PATCH',
        token: owner.token,
        json: { active: true, events: ['deployment.failed', 'deployment.queued', 'deployment.failed'], url: PUBLIC_URL_2 },
      });
      expect(changed.body.webhook).toMatchObject({ url: PUBLIC_URL_2, events: ['deployment.queued', 'deployment.failed'], active: true });
      const audit = await t.db.select().from(auditLogs).where(and(eq(auditLogs.resourceId, webhookId), eq(auditLogs.action, 'webhook.update')));
      expect(audit.map((a) => a.metadata)).toEqual([
        { appId, fields: ['active'], active: false },
        { appId, fields: ['url', 'events', 'active'], target: 'https://[2606:4700:4700::1111]', events: ['deployment.queued', 'deployment.failed'], active: true },
      ]);
    });

    it('PATCH refuses private URLs and empty bodies with 400, leaving the webhook unchanged', async () => {
      const res = await api.request(one(), { method: 'PATCH', token: owner.token, json: { url: 'http://169.254.169.254/latest' } });
      expect(res.status).toBe(400);
      expect(res.body.details[0]).toEqual({ path: 'url', message: expect.stringContaining('cloud metadata endpoint') });
      const empty = await api.request(one(), { method: 'PATCH', token: owner.token, json: {} });
      expect(empty.status).toBe(400);
      expect(empty.body.code).toBe('VALIDATION_ERROR');
      const bad = await api.request(one(), { method: 'PATCH', token: owner.token, json: { active: 'yes' } });
      expect(bad.status).toBe(400);
      const [row] = await t.db.select().from(webhooks).where(eq(webhooks.id, webhookId));
      expect(row.url).toBe(PUBLIC_URL_2);
    });

    it('POST /test queues a deployment.completed test event (202) and POST …/redeliver copies a delivery (202)', async () => {
      const res = await api.request(`${one()}/test`, { method: 'POST', token: member.token });
      expect(res.status).toBe(202);
      expect(res.body).toEqual({
        delivery: {
          id: expect.any(String),
          event: 'deployment.completed',
          status: 'pending',
          attempts: 0,
          last_status_code: null,
          last_error: null,
          next_attempt_at: expect.any(String),
          created_at: expect.any(String),
          completed_at: null,
          attempts_log: [],
        },
      });
      const [row] = await t.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, res.body.delivery.id));
      expect(row.payload).toEqual({
        event: 'deployment.completed',
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        test: true,
        data: { deployment_id: '00000000-0000-0000-0000-000000000000', agent_app_id: appId, package_id: null, version: '0.0.0', status: 'completed', duration_seconds: 0, s3_url: null },
      });

      const again = await api.request(`${one()}/deliveries/${row.id}/redeliver`, { method: 'POST', token: owner.token });
      expect(again.status).toBe(202);
      expect(again.body.delivery.id).not.toBe(row.id);
      expect(again.body.delivery).toMatchObject({ event: 'deployment.completed', status: 'pending', attempts: 0 });
      const [copy] = await t.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, again.body.delivery.id));
      expect(copy.payload).toEqual(row.payload);

      const audit = await t.db.select().from(auditLogs).where(eq(auditLogs.resourceId, webhookId));
      expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['webhook.test', 'webhook.redeliver']));
      expect(audit.find((a) => a.action === 'webhook.redeliver')?.metadata).toEqual({ appId, sourceDeliveryId: row.id, deliveryId: copy.id, event: 'deployment.completed' });
    });

    it('GET …/deliveries lists newest first with limit (1–100, default 20)', async () => {
      for (let i = 0; i < 3; i++) await api.request(`${one()}/test`, { method: 'POST', token: owner.token });
      const all = await api.request(`${one()}/deliveries`, { token: member.token });
      expect(all.status).toBe(200);
      expect(all.body.deliveries).toHaveLength(5);
      const created = all.body.deliveries.map((d: { created_at: string }) => d.created_at);
      expect([...created].sort().reverse()).toEqual(created);
      const two = await api.request(`${one()}/deliveries?limit=2`, { token: member.token });
      expect(two.body.deliveries.map((d: { id: string }) => d.id)).toEqual(all.body.deliveries.slice(0, 2).map((d: { id: string }) => d.id));
      for (const limit of ['0', '101', 'abc', '2.5']) {
        const res = await api.request(`${one()}/deliveries?limit=${limit}`, { token: member.token });
        expect(res.status, limit).toBe(400);
        expect(res.body.details[0].path).toBe('limit');
      }
    });

    it('test and redeliver are 409 while the webhook is inactive', async () => {
      const [delivery] = await t.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, webhookId)).limit(1);
      await api.request(one(), { method: 'PATCH', token: owner.token, json: { active: false } });
      const test = await api.request(`${one()}/test`, { method: 'POST', token: owner.token });
      expect(test.status).toBe(409);
      expect(test.body.code).toBe('CONFLICT');
      const redeliver = await api.request(`${one()}/deliveries/${delivery.id}/redeliver`, { method: 'POST', token: owner.token });
      expect(redeliver.status).toBe(409);
      await api.request(one(), { method: 'PATCH', token: owner.token, json: { active: true } });
    });

    it('every per-webhook route is 404 for other organizations, other apps, unknown and malformed ids', async () => {
      const [delivery] = await t.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, webhookId)).limit(1);
      const strangerHook = (await create(stranger, { url: PUBLIC_URL, events: ['deployment.completed'] }, strangerAppId)).body.webhook.id;
      const routes = (app: string, id: string, deliveryId = delivery.id): Array<[string, string, unknown?]> => [
        ['PATCH', one(id, app), { active: false }],
        ['GET', `${one(id, app)}/deliveries`],
        ['POST', `${one(id, app)}/test`],
        ['POST', `${one(id, app)}/deliveries/${deliveryId}/redeliver`],
        ['DELETE', one(id, app)],
      ];
      const attempts: Array<[Fixture, string, string, string?]> = [
        [stranger, appId, webhookId], // another org's actor, our ids
        [stranger, strangerAppId, webhookId], // their app, our webhook
        [owner, strangerAppId, strangerHook], // our actor, their ids
        [owner, appId, strangerHook], // our app, their webhook
        [owner, otherAppId, webhookId], // our webhook under our other app
        [owner, appId, '00000000-0000-0000-0000-000000000000'],
        [owner, appId, 'not-a-uuid'],
        [owner, appId, webhookId, 'not-a-uuid'],
        [owner, appId, webhookId, '00000000-0000-0000-0000-000000000000'],
      ];
      for (const [actor, app, id, deliveryId] of attempts) {
        for (const [method, path, json] of routes(app, id, deliveryId)) {
          if (deliveryId && !path.includes('redeliver')) continue;
          const res = await api.request(path, { method, token: actor.token, json });
          expect(res.status, `${method} ${path}`).toBe(404);
          expect(res.body.code).toBe('NOT_FOUND');
        }
      }
      const [still] = await t.db.select().from(webhooks).where(eq(webhooks.id, webhookId));
      expect(still.active).toBe(true);
      const [theirs] = await t.db.select().from(webhooks).where(eq(webhooks.id, strangerHook));
      expect(theirs.active).toBe(true);
    });

    it('DELETE removes the webhook with its deliveries, answers the documented message, then 404', async () => {
      const res = await api.request(one(), { method: 'DELETE', token: member.token });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ message: 'Webhook deleted successfully' });
      expect(await t.db.select().from(webhooks).where(eq(webhooks.id, webhookId))).toEqual([]);
      expect(await t.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, webhookId))).toEqual([]);
      const audit = await t.db.select().from(auditLogs).where(and(eq(auditLogs.resourceId, webhookId), eq(auditLogs.action, 'webhook.delete')));
      expect(audit).toHaveLength(1);
      expect((await api.request(one(), { method: 'DELETE', token: member.token })).status).toBe(404);
    });
  });

  describe('enqueueWebhookEvent', () => {
    it('queues one delivery per active subscribed webhook of the app, with the exact payload, and notifies', async () => {
      const app = await makeApp(owner, 'Enqueue Bot');
      const subscribed = (await create(owner, { url: PUBLIC_URL, events: ['deployment.completed', 'deployment.failed'] }, app)).body.webhook.id;
      const alsoSubscribed = (await create(owner, { url: PUBLIC_URL_2, events: ['deployment.completed'] }, app)).body.webhook.id;
      await create(owner, { url: PUBLIC_URL, events: ['deployment.queued'] }, app);
      const inactive = (await create(owner, { url: PUBLIC_URL, events: ['deployment.completed'] }, app)).body.webhook.id;
      await api.request(`${hooks(app)}/${inactive}`, { method: 'PATCH', token: owner.token, json: { active: false } });
      await create(owner, { url: PUBLIC_URL, events: ['deployment.completed'] }, otherAppId);

      let notified!: (payload: string) => void;
      const woke = new Promise<string>((resolve) => (notified = resolve));
      const unlisten = await t.database.listen(WEBHOOK_DELIVERIES_CHANNEL, (p) => notified(p));
      const data = {
        deployment_id: '5f0c6c1e-8d7a-4f55-9a55-0d7c2b0b8a10',
        agent_app_id: app,
        package_id: '0e2a3c4d-1111-4222-8333-944455556666',
        version: '1.2.0',
        status: 'completed',
        duration_seconds: 120,
        s3_url: 'https://s3.amazonaws.com/bucket/key.apkg',
      };
      const at = new Date('2024-01-01T00:05:00Z');
      const ids = await t.db.transaction((tx) => enqueueWebhookEvent(tx, { orgId: owner.orgId, appId: app, event: 'deployment.completed', data, at }));
      expect(ids).toHaveLength(2);
      expect(await woke).toBe('');
      await unlisten();
      const rows = await t.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.event, 'deployment.completed'));
      const mine = rows.filter((r) => ids.includes(r.id));
      expect(mine.map((r) => r.webhookId).sort()).toEqual([subscribed, alsoSubscribed].sort());
      for (const r of mine) {
        expect(r.payload).toEqual({ event: 'deployment.completed', timestamp: '2024-01-01T00:05:00.000Z', data });
        expect(r).toMatchObject({ status: 'pending', attempts: 0, orgId: owner.orgId });
      }
      expect(await t.db.transaction((tx) => enqueueWebhookEvent(tx, { orgId: owner.orgId, appId: app, event: 'deployment.started', data }))).toEqual([]);
      // Another organization's id pair never matches.
      expect(await t.db.transaction((tx) => enqueueWebhookEvent(tx, { orgId: stranger.orgId, appId: app, event: 'deployment.completed', data }))).toEqual([]);
    });

    it('rolls back with the caller\'s transaction', async () => {
      const app = await makeApp(owner, 'Rollback Bot');
      await create(owner, { url: PUBLIC_URL, events: ['deployment.failed'] }, app);
      let ids: string[] = [];
      await t.db
        .transaction(async (tx) => {
          ids = await enqueueWebhookEvent(tx, { orgId: owner.orgId, appId: app, event: 'deployment.failed', data: { error: 'x' } });
          throw new Error('rollback');
        })
        .catch(() => {});
      expect(ids).toHaveLength(1);
      expect(await t.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, ids[0]))).toEqual([]);
    });
  });

  describe('tRPC webhooks router', () => {
    function caller(f: Fixture) {
      const domain: DomainCtx = { ...t.services, actor: { kind: 'session', userId: f.userId, sessionId: 'test', orgId: f.orgId, role: f.role } };
      return webhooksRouter.createCaller({ req: { id: 'req_test', log: t.services.log } as never, res: {} as never, services: t.services, domain });
    }

    it('serves the same domain functions (camelCase, Dates) and maps errors', async () => {
      const c = caller(member);
      const created = await c.create({ appId: otherAppId, url: PUBLIC_URL, events: ['deployment.failed'] });
      expect(created).toMatchObject({ appId: otherAppId, url: PUBLIC_URL, events: ['deployment.failed'], active: true });
      expect(created.createdAt).toBeInstanceOf(Date);
      expect(created.secret).toMatch(/^whsec_/);
      const withSecret = await c.create({ appId: otherAppId, url: PUBLIC_URL, events: ['deployment.failed'], secret: SECRET });
      expect(withSecret.secret).toBeNull();

      const list = await c.list({ appId: otherAppId });
      expect(list.map((w) => w.id)).toEqual(expect.arrayContaining([created.id, withSecret.id]));
      expect(JSON.stringify(list)).not.toContain('whsec_');

      const updated = await c.update({ appId: otherAppId, webhookId: created.id, patch: { active: false } });
      expect(updated.active).toBe(false);
      await c.update({ appId: otherAppId, webhookId: created.id, patch: { active: true } });
      const test = await c.sendTest({ appId: otherAppId, webhookId: created.id });
      expect(test).toMatchObject({ event: 'deployment.completed', status: 'pending', attemptsLog: [] });
      const copy = await c.redeliver({ appId: otherAppId, webhookId: created.id, deliveryId: test.id });
      const deliveries = await c.deliveries({ appId: otherAppId, webhookId: created.id });
      expect(deliveries.map((d) => d.id).sort()).toEqual([test.id, copy.id].sort());
      expect(deliveries[0].createdAt).toBeInstanceOf(Date);

      await expect(caller(stranger).list({ appId: otherAppId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(c.create({ appId: otherAppId, url: 'http://10.0.0.1/', events: ['deployment.failed'] })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
      expect(await c.delete({ appId: otherAppId, webhookId: created.id })).toEqual({ id: created.id });
    });
  });
});
