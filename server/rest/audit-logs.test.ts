import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKeyFixture, createUserFixture, startTestApp, type Fixture, type TestApp } from '../test/harness.ts';

describe('GET /api/audit-logs', () => {
  let t: TestApp;
  let owner: Fixture;
  let member: Fixture;
  let stranger: Fixture;
  beforeAll(async () => {
    t = await startTestApp();
    owner = await createUserFixture(t);
    member = await createUserFixture(t, { orgId: owner.orgId, role: 'member' });
    stranger = await createUserFixture(t);
    for (const name of ['a1', 'a2', 'a3']) await t.request('/api/agent-apps', { method: 'POST', token: owner.token, json: { name } });
    const key = await createApiKeyFixture(t, owner);
    await t.request('/api/agent-apps', { method: 'POST', token: key.key, json: { name: 'by-key' } });
    await t.request('/api/agent-apps', { method: 'POST', token: stranger.token, json: { name: 'elsewhere' } });
  });
  afterAll(() => t.close());

  it('lists who did what, newest first, only for the organization', async () => {
    const res = await t.request('/api/audit-logs', { token: owner.token });
    expect(res.status).toBe(200);
    const creates = res.body.audit_logs.filter((e: { action: string }) => e.action === 'agent_app.create');
    expect(creates.map((e: { metadata: { name: string } }) => e.metadata.name)).toEqual(['by-key', 'a3', 'a2', 'a1']);
    expect(creates[0].actor.api_key_id).toEqual(expect.any(String));
    expect(creates[1]).toMatchObject({ resource_type: 'agent_app', actor: { user_id: owner.userId, email: owner.email, api_key_id: null }, created_at: expect.any(String) });
    expect(JSON.stringify(res.body)).not.toContain('elsewhere');
  });

  it('filters and pages with a cursor', async () => {
    const first = await t.request('/api/audit-logs?action=agent_app.create&limit=2', { token: owner.token });
    expect(first.body.audit_logs).toHaveLength(2);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const second = await t.request(`/api/audit-logs?action=agent_app.create&limit=2&cursor=${first.body.next_cursor}`, { token: owner.token });
    expect(second.body.audit_logs.map((e: { metadata: { name: string } }) => e.metadata.name)).toEqual(['a2', 'a1']);
    expect(second.body.next_cursor).toBeNull();
    const prefix = await t.request('/api/audit-logs?action=agent_app.', { token: owner.token });
    expect(prefix.body.audit_logs.every((e: { action: string }) => e.action.startsWith('agent_app.'))).toBe(true);
  });

  it('is for owners and admins; bad filters are 400', async () => {
    expect((await t.request('/api/audit-logs', { token: member.token })).status).toBe(403);
    expect((await t.request('/api/audit-logs')).status).toBe(401);
    expect((await t.request('/api/audit-logs?cursor=garbage', { token: owner.token })).status).toBe(400);
    expect((await t.request('/api/audit-logs?limit=0', { token: owner.token })).status).toBe(400);
    expect((await t.request('/api/audit-logs?from=yesterday', { token: owner.token })).status).toBe(400);
  });
});
