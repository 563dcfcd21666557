import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentApps, auditLogs, deployments, packages } from '../../db/schema/index.ts';
import { createApiKeyFixture, createUserFixture, startTestApp, type Fixture, type TestApp } from '../test/harness.ts';

describe('agent apps (section 4)', () => {
  let t: TestApp;
  let owner: Fixture;
  let member: Fixture;
  let stranger: Fixture;
  beforeAll(async () => {
    t = await startTestApp();
    owner = await createUserFixture(t);
    member = await createUserFixture(t, { orgId: owner.orgId, role: 'member' });
    stranger = await createUserFixture(t);
  });
  afterAll(() => t.close());

  async function create(user: Fixture, body: Record<string, unknown>) {
    return t.request('/api/agent-apps', { method: 'POST', token: user.token, json: body });
  }

  it('creates an app and answers 201 with the documented body', async () => {
    const res = await create(owner, { name: 'Support Bot', description: 'Answers tickets', is_public: false });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      app: { id: expect.any(String), name: 'Support Bot', description: 'Answers tickets', is_public: false, created_at: expect.any(String) },
    });
    const audit = await t.db.select().from(auditLogs).where(eq(auditLogs.resourceId, res.body.app.id));
    expect(audit.map((a) => a.action)).toEqual(['agent_app.create']);
  });

  it('defaults description and is_public, and rejects bad input with 400', async () => {
    const ok = await create(owner, { name: 'Minimal' });
    expect(ok.body.app).toMatchObject({ description: '', is_public: false });
    for (const body of [{}, { name: '' }, { name: 'x'.repeat(101) }, { name: 'ok', is_public: 'yes' }, { name: 42 }]) {
      const res = await create(owner, body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_ERROR');
      expect(Array.isArray(res.body.details)).toBe(true);
    }
  });

  it('keeps names unique per organization (409) but not across organizations', async () => {
    await create(owner, { name: 'Unique Name' });
    const dup = await create(member, { name: 'Unique Name' });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('CONFLICT');
    const elsewhere = await create(stranger, { name: 'Unique Name' });
    expect(elsewhere.status).toBe(201);
  });

  it('lists only the organization\'s apps, with packages and live version', async () => {
    const res = await t.request('/api/agent-apps', { token: member.token });
    expect(res.status).toBe(200);
    const names = res.body.apps.map((a: { name: string }) => a.name);
    expect(names).toContain('Support Bot');
    expect(names).not.toContain(undefined);
    const strangerList = await t.request('/api/agent-apps', { token: stranger.token });
    expect(strangerList.body.apps.map((a: { name: string }) => a.name)).toEqual(['Unique Name']);
    expect(res.body.apps[0]).toEqual({
      id: expect.any(String),
      name: expect.any(String),
      description: expect.any(String),
      is_public: expect.any(Boolean),
      active_version: null,
      created_at: expect.any(String),
      updated_at: expect.any(String),
      packages: [],
    });
  });

  it('works with an API key of the organization', async () => {
    const key = await createApiKeyFixture(t, owner);
    const res = await t.request('/api/agent-apps', { token: key.key });
    expect(res.status).toBe(200);
    expect(res.body.apps.length).toBeGreaterThan(0);
  });

  it('gets one app with its packages and signed download URLs', async () => {
    const created = await create(owner, { name: 'With Package' });
    const appId = created.body.app.id;
    await t.db.insert(packages).values({ orgId: owner.orgId, appId, version: '1.0.0', storageKey: `orgs/${owner.orgId}/apps/${appId}/packages/x.apkg`, size: 1234, sha256: 'ab'.repeat(32) });
    const res = await t.request(`/api/agent-apps/${appId}`, { token: owner.token });
    expect(res.status).toBe(200);
    expect(res.body.app.packages).toEqual([
      expect.objectContaining({ id: expect.any(String), version: '1.0.0', size: 1234, s3_url: expect.stringContaining('/api/storage/download?'), created_at: expect.any(String) }),
    ]);
    expect(res.body.app.packages[0].s3_url.startsWith(t.config.publicUrl)).toBe(true);
  });

  it('answers 404 for another organization\'s app, unknown and malformed ids — and changes nothing', async () => {
    const created = await create(owner, { name: 'Private' });
    const id = created.body.app.id;
    for (const [method, json] of [['GET', undefined], ['PATCH', { name: 'Hacked' }], ['DELETE', undefined]] as const) {
      const res = await t.request(`/api/agent-apps/${id}`, { method, token: stranger.token, json });
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: expect.any(String), code: 'NOT_FOUND' });
    }
    const [row] = await t.db.select().from(agentApps).where(eq(agentApps.id, id));
    expect(row.name).toBe('Private');
    expect((await t.request('/api/agent-apps/00000000-0000-4000-8000-000000000000', { token: owner.token })).status).toBe(404);
    expect((await t.request('/api/agent-apps/not-a-uuid', { token: owner.token })).status).toBe(404);
  });

  it('updates with PATCH and answers the documented body; renaming onto a taken name is 409', async () => {
    const created = await create(owner, { name: 'Before' });
    const id = created.body.app.id;
    const res = await t.request(`/api/agent-apps/${id}`, { method: 'PATCH', token: member.token, json: { name: 'After', description: 'new', is_public: true } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ app: { id, name: 'After', description: 'new', is_public: true, trusted_public_keys: [], updated_at: expect.any(String) } });
    const clash = await t.request(`/api/agent-apps/${id}`, { method: 'PATCH', token: owner.token, json: { name: 'Support Bot' } });
    expect(clash.status).toBe(409);
    const empty = await t.request(`/api/agent-apps/${id}`, { method: 'PATCH', token: owner.token, json: {} });
    expect(empty.status).toBe(400);
  });

  it('deletes (owner/admin only) with its packages; members get 403', async () => {
    const created = await create(owner, { name: 'Doomed' });
    const id = created.body.app.id;
    const denied = await t.request(`/api/agent-apps/${id}`, { method: 'DELETE', token: member.token });
    expect(denied.status).toBe(403);
    await t.db.insert(packages).values({ orgId: owner.orgId, appId: id, version: '0.1.0', storageKey: `orgs/${owner.orgId}/apps/${id}/p.apkg`, size: 1, sha256: 'cd'.repeat(32) });
    const res = await t.request(`/api/agent-apps/${id}`, { method: 'DELETE', token: owner.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ message: 'Agent app deleted successfully' });
    expect(await t.db.select().from(packages).where(eq(packages.appId, id))).toEqual([]);
    expect((await t.request(`/api/agent-apps/${id}`, { token: owner.token })).status).toBe(404);
  });

  it('refuses to delete an app while a deployment is queued or processing (409)', async () => {
    const created = await create(owner, { name: 'Busy' });
    const id = created.body.app.id;
    await t.db.insert(deployments).values({ orgId: owner.orgId, appId: id, version: '1.0.0', status: 'processing', steps: [] });
    const res = await t.request(`/api/agent-apps/${id}`, { method: 'DELETE', token: owner.token });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('CONFLICT');
    expect((await t.request(`/api/agent-apps/${id}`, { token: owner.token })).status).toBe(200);
  });

  it('requires authentication', async () => {
    const res = await t.request('/api/agent-apps');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'Invalid API key or session', code: 'UNAUTHORIZED' });
  });
});
