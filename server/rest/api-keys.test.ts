// Section 3 of the REST doc: API keys (and the tRPC apiKeys router over the same domain functions).
import { and, eq } from 'drizzle-orm';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { apiKeys, auditLogs } from '../../db/schema/index.ts';
import { sha256Hex } from '../domain/tokens.ts';
import { createApiKeyFixture, createUserFixture, startTestApp, type Fixture, type TestApp } from '../test/harness.ts';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const KEY = /^pac_[0-9A-Za-z]{40}$/;
const UNAUTHORIZED = { error: 'Invalid API key or session', code: 'UNAUTHORIZED' };

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

async function team() {
  const owner = await createUserFixture(t, { orgName: 'Keys Inc' });
  const admin = await createUserFixture(t, { orgId: owner.orgId, role: 'admin' });
  const member = await createUserFixture(t, { orgId: owner.orgId, role: 'member' });
  return { owner, admin, member };
}

async function createKey(by: Fixture | string, name = 'Development Key') {
  const token = typeof by === 'string' ? by : by.token;
  const res = await t.request('/api/api-keys', { method: 'POST', token, json: { name } });
  expect(res.status).toBe(201);
  return res.body.apiKey as { id: string; name: string; key: string; created_at: string };
}

const whoAmI = (token: string) => t.request('/api/organizations/current', { token });

async function trpc(path: string, input: unknown, opts: { token?: string; query?: boolean } = {}) {
  const serialized = superjson.serialize(input);
  const res = opts.query
    ? await t.request(`/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify(serialized))}`, { token: opts.token })
    : await t.request(`/api/trpc/${path}`, { method: 'POST', json: serialized, token: opts.token });
  return { ...res, data: (res.body?.result ? superjson.deserialize(res.body.result.data) : undefined) as any };
}

describe('POST /api/api-keys', () => {
  it('returns the secret once; only its SHA-256 and a preview are stored', async () => {
    const owner = await createUserFixture(t);
    const res = await t.request('/api/api-keys', { method: 'POST', token: owner.token, json: { name: '  Development Key ' } });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      apiKey: { id: expect.stringMatching(UUID), name: 'Development Key', key: expect.stringMatching(KEY), created_at: expect.stringMatching(ISO) },
    });
    const { id, key } = res.body.apiKey;
    const [row] = await t.db.select().from(apiKeys).where(eq(apiKeys.id, id));
    expect(row.keyHash).toBe(sha256Hex(key));
    expect(row.keyPreview).toBe(`${key.slice(0, 12)}…`);
    expect(JSON.stringify(row)).not.toContain(key.slice(4));
    expect(row.createdBy).toBe(owner.userId);
    expect(row.orgId).toBe(owner.orgId);
    const audit = await t.db.select().from(auditLogs).where(and(eq(auditLogs.orgId, owner.orgId), eq(auditLogs.action, 'api_key.create')));
    expect(audit.map((a) => a.resourceId)).toEqual([id]);
    expect(JSON.stringify(audit)).not.toContain(key.slice(12));
    expect(t.logs.join('\n')).not.toContain(key);
  });

  it('lets every role create keys, including through an API key', async () => {
    const { admin, member } = await team();
    await createKey(admin);
    const memberKey = await createKey(member);
    const viaKey = await createKey(memberKey.key, 'made by a key');
    const [row] = await t.db.select().from(apiKeys).where(eq(apiKeys.id, viaKey.id));
    expect(row.createdBy).toBe(member.userId);
  });

  it('validates the name', async () => {
    const owner = await createUserFixture(t);
    for (const json of [{}, { name: '  ' }, { name: 'k'.repeat(101) }]) {
      const res = await t.request('/api/api-keys', { method: 'POST', token: owner.token, json });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_ERROR');
      expect(res.body.details[0].path).toBe('name');
    }
    expect(await t.db.select().from(apiKeys).where(eq(apiKeys.orgId, owner.orgId))).toHaveLength(0);
  });
});

describe('GET /api/api-keys', () => {
  it("lists the organization's keys newest first, with previews and creators, never secrets", async () => {
    const { owner, member } = await team();
    const first = await createKey(owner, 'first');
    const second = await createKey(member, 'second');
    await createKey(await createUserFixture(t), 'other org');
    const res = await t.request('/api/api-keys', { token: member.token });
    expect(res.status).toBe(200);
    expect(res.body.apiKeys).toEqual([
      {
        id: second.id,
        name: 'second',
        key_preview: `${second.key.slice(0, 12)}…`,
        last_used_at: null,
        created_at: second.created_at,
        created_by: { id: member.userId, email: member.email },
      },
      {
        id: first.id,
        name: 'first',
        key_preview: `${first.key.slice(0, 12)}…`,
        last_used_at: null,
        created_at: first.created_at,
        created_by: { id: owner.userId, email: owner.email },
      },
    ]);
    expect(res.text).not.toContain(first.key.slice(12));
  });

  it('records last_used_at when a key is used', async () => {
    const owner = await createUserFixture(t);
    const key = await createKey(owner);
    const before = Date.now();
    expect((await whoAmI(key.key)).status).toBe(200);
    // The write is fire-and-forget after authentication: poll the row until it lands.
    await vi.waitFor(async () => {
      const [row] = await t.db.select().from(apiKeys).where(eq(apiKeys.id, key.id));
      expect(row.lastUsedAt).not.toBeNull();
    });
    const res = await t.request('/api/api-keys', { token: owner.token });
    const listed = res.body.apiKeys.find((k: any) => k.id === key.id);
    expect(listed.last_used_at).toMatch(ISO);
    expect(Date.parse(listed.last_used_at)).toBeGreaterThanOrEqual(before - 1000);
  });
});

describe('API key authentication', () => {
  it('acts as the owning organization on /api/organizations/current', async () => {
    const { owner } = await team();
    const key = await createKey(owner);
    const res = await whoAmI(key.key);
    expect(res.status).toBe(200);
    expect(res.body.organization.id).toBe(owner.orgId);
    expect(res.body.role).toBe('owner');
  });

  it('rejects unknown keys, also when a valid session cookie is present', async () => {
    const owner = await createUserFixture(t);
    const bad = await t.request('/api/organizations/current', { token: `pac_${'x'.repeat(40)}`, cookie: owner.token });
    expect(bad.status).toBe(401);
    expect(bad.body).toEqual(UNAUTHORIZED);
  });
});

describe('DELETE /api/api-keys/:id', () => {
  it('deletes the key: it stops working at once', async () => {
    const owner = await createUserFixture(t);
    const key = await createKey(owner);
    expect((await whoAmI(key.key)).status).toBe(200);
    const res = await t.request(`/api/api-keys/${key.id}`, { method: 'DELETE', token: owner.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ message: 'API key deleted successfully' });
    const after = await whoAmI(key.key);
    expect(after.status).toBe(401);
    expect(after.body).toEqual(UNAUTHORIZED);
    expect((await t.request('/api/api-keys', { token: owner.token })).body.apiKeys).toEqual([]);
    const again = await t.request(`/api/api-keys/${key.id}`, { method: 'DELETE', token: owner.token });
    expect(again.status).toBe(404);
    const audit = await t.db.select().from(auditLogs).where(and(eq(auditLogs.orgId, owner.orgId), eq(auditLogs.action, 'api_key.delete')));
    expect(audit.map((a) => a.resourceId)).toEqual([key.id]);
  });

  it('a key can delete itself', async () => {
    const owner = await createUserFixture(t);
    const key = await createKey(owner);
    const res = await t.request(`/api/api-keys/${key.id}`, { method: 'DELETE', token: key.key });
    expect(res.status).toBe(200);
    expect((await whoAmI(key.key)).status).toBe(401);
  });
});

describe('POST /api/api-keys/:id/rotate', () => {
  it('issues a new secret for the same key; the old one stops working at once', async () => {
    const owner = await createUserFixture(t);
    const key = await createKey(owner, 'Rotating');
    const res = await t.request(`/api/api-keys/${key.id}/rotate`, { method: 'POST', token: owner.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ apiKey: { id: key.id, name: 'Rotating', key: expect.stringMatching(KEY), rotated_at: expect.stringMatching(ISO) } });
    const fresh = res.body.apiKey.key;
    expect(fresh).not.toBe(key.key);
    expect((await whoAmI(key.key)).status).toBe(401);
    const ok = await whoAmI(fresh);
    expect(ok.status).toBe(200);
    expect(ok.body.organization.id).toBe(owner.orgId);
    const [row] = await t.db.select().from(apiKeys).where(eq(apiKeys.id, key.id));
    expect(row.keyHash).toBe(sha256Hex(fresh));
    expect(row.keyPreview).toBe(`${fresh.slice(0, 12)}…`);
    expect(row.rotatedAt?.toISOString()).toBe(res.body.apiKey.rotated_at);
    const list = await t.request('/api/api-keys', { token: owner.token });
    expect(list.body.apiKeys[0].key_preview).toBe(`${fresh.slice(0, 12)}…`);
    const audit = await t.db.select().from(auditLogs).where(and(eq(auditLogs.orgId, owner.orgId), eq(auditLogs.action, 'api_key.rotate')));
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit[0])).not.toContain(fresh.slice(12));
  });

  it('a key can rotate itself and then only the new secret works', async () => {
    const owner = await createUserFixture(t);
    const key = await createKey(owner);
    const res = await t.request(`/api/api-keys/${key.id}/rotate`, { method: 'POST', token: key.key });
    expect(res.status).toBe(200);
    expect((await whoAmI(key.key)).status).toBe(401);
    expect((await whoAmI(res.body.apiKey.key)).status).toBe(200);
  });
});

describe('API key permissions', () => {
  it('members manage their own keys; owners and admins manage all keys', async () => {
    const { owner, admin, member } = await team();
    const ownerKey = await createKey(owner, 'owner');
    const memberKey = await createKey(member, 'member');
    const member2 = await createUserFixture(t, { orgId: owner.orgId, role: 'member' });
    const member2Key = await createKey(member2, 'member2');

    for (const [path, method] of [
      [`/api/api-keys/${ownerKey.id}/rotate`, 'POST'],
      [`/api/api-keys/${ownerKey.id}`, 'DELETE'],
      [`/api/api-keys/${member2Key.id}`, 'DELETE'],
    ] as const) {
      const res = await t.request(path, { method, token: member.token });
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('FORBIDDEN');
    }
    expect((await whoAmI(ownerKey.key)).status).toBe(200);
    expect((await whoAmI(member2Key.key)).status).toBe(200);

    const ownRotate = await t.request(`/api/api-keys/${memberKey.id}/rotate`, { method: 'POST', token: member.token });
    expect(ownRotate.status).toBe(200);
    const adminRotate = await t.request(`/api/api-keys/${ownerKey.id}/rotate`, { method: 'POST', token: admin.token });
    expect(adminRotate.status).toBe(200);
    const adminDelete = await t.request(`/api/api-keys/${memberKey.id}`, { method: 'DELETE', token: admin.token });
    expect(adminDelete.status).toBe(200);
    const ownerDelete = await t.request(`/api/api-keys/${member2Key.id}`, { method: 'DELETE', token: owner.token });
    expect(ownerDelete.status).toBe(200);
  });

  it("is 404 for another organization's key, unknown ids and malformed ids", async () => {
    const owner = await createUserFixture(t);
    const other = await createUserFixture(t);
    const otherKey = await createApiKeyFixture(t, other);
    for (const id of [otherKey.id, '00000000-0000-4000-8000-000000000000', 'not-a-uuid', '1']) {
      for (const [path, method] of [
        [`/api/api-keys/${id}`, 'DELETE'],
        [`/api/api-keys/${id}/rotate`, 'POST'],
      ] as const) {
        const res = await t.request(path, { method, token: owner.token });
        expect(res.status).toBe(404);
        expect(res.body).toEqual({ error: 'API key not found', code: 'NOT_FOUND' });
      }
    }
    expect((await whoAmI(otherKey.key)).status).toBe(200);
  });

  it('every route is 401 without credentials', async () => {
    const owner = await createUserFixture(t);
    const key = await createApiKeyFixture(t, owner);
    for (const [path, method] of [
      ['/api/api-keys', 'GET'],
      ['/api/api-keys', 'POST'],
      [`/api/api-keys/${key.id}`, 'DELETE'],
      [`/api/api-keys/${key.id}/rotate`, 'POST'],
    ] as const) {
      const res = await t.request(path, { method, json: method === 'POST' ? { name: 'x' } : undefined });
      expect(res.status).toBe(401);
      expect(res.body).toEqual(UNAUTHORIZED);
    }
    expect((await whoAmI(key.key)).status).toBe(200);
  });
});

describe('tRPC apiKeys router', () => {
  it('lists, creates, rotates and deletes with camelCase results', async () => {
    const owner = await createUserFixture(t);
    const created = await trpc('apiKeys.create', { name: 'UI key' }, { token: owner.token });
    expect(created.status).toBe(200);
    expect(created.data).toEqual({ apiKey: { id: expect.stringMatching(UUID), name: 'UI key', key: expect.stringMatching(KEY), createdAt: expect.any(Date) } });
    const list = await trpc('apiKeys.list', undefined, { token: owner.token, query: true });
    expect(list.data).toEqual([
      {
        id: created.data.apiKey.id,
        name: 'UI key',
        keyPreview: `${created.data.apiKey.key.slice(0, 12)}…`,
        lastUsedAt: null,
        createdAt: expect.any(Date),
        createdBy: { id: owner.userId, email: owner.email },
      },
    ]);
    const rotated = await trpc('apiKeys.rotate', { id: created.data.apiKey.id }, { token: owner.token });
    expect(rotated.data).toEqual({ apiKey: { id: created.data.apiKey.id, name: 'UI key', key: expect.stringMatching(KEY), rotatedAt: expect.any(Date) } });
    expect((await whoAmI(created.data.apiKey.key)).status).toBe(401);
    const deleted = await trpc('apiKeys.delete', { id: created.data.apiKey.id }, { token: owner.token });
    expect(deleted.status).toBe(200);
    expect((await whoAmI(rotated.data.apiKey.key)).status).toBe(401);
    const missing = await trpc('apiKeys.delete', { id: 'nope' }, { token: owner.token });
    expect(missing.status).toBe(404);
  });
});
