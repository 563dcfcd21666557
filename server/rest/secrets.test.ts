// App secrets over REST, as `pixell secrets` calls them (list, get, set, update, delete, delete-all),
// and over tRPC for the dashboard: shapes, 400/404, roles, tenancy, encryption at rest, audit rows.
import { and, eq } from 'drizzle-orm';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appSecrets, auditLogs } from '../../db/schema/index.ts';
import { MAX_SECRETS_PER_APP } from '../domain/secrets/secret-schemas.ts';
import { createApiKeyFixture, createUserFixture, startTestApp, type Fixture, type TestApp } from '../test/harness.ts';

type Team = { owner: Fixture; admin: Fixture; member: Fixture; ownerKey: string; memberKey: string };

describe('app secrets (pixell secrets)', () => {
  let t: TestApp;
  let team: Team;
  let other: Fixture;
  let appId: string;
  let otherAppId: string;

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_AUTHENTICATED_PER_HOUR: '100000', RATE_LIMIT_ANONYMOUS_PER_HOUR: '100000', DEPLOYMENT_WORKER: 'off' });
    const owner = await createUserFixture(t, { orgName: 'Secret keepers' });
    const admin = await createUserFixture(t, { orgId: owner.orgId, role: 'admin' });
    const member = await createUserFixture(t, { orgId: owner.orgId, role: 'member' });
    team = { owner, admin, member, ownerKey: (await createApiKeyFixture(t, owner)).key, memberKey: (await createApiKeyFixture(t, member)).key };
    other = await createUserFixture(t, { orgName: 'Other org' });
    appId = (await t.request('/api/agent-apps', { method: 'POST', token: team.ownerKey, json: { name: 'Secretive' } })).body.app.id;
    otherAppId = (await t.request('/api/agent-apps', { method: 'POST', token: other.token, json: { name: 'Theirs' } })).body.app.id;
  });
  afterAll(() => t.close());

  const url = (id = appId, key?: string) => `/api/agent-apps/${id}/secrets${key === undefined ? '' : `/${key}`}`;
  const list = (token = team.ownerKey, id = appId) => t.request(url(id), { token });

  describe('the pixell secrets flow (API key)', () => {
    it('GET answers {"secrets": {}} for an app without secrets', async () => {
      const res = await list();
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ secrets: {} });
      expect(res.headers.get('cache-control')).toBe('no-store');
    });

    it('POST replaces the whole set and answers secretCount; GET returns the values', async () => {
      const set = await t.request(url(), { method: 'POST', token: team.ownerKey, json: { secrets: { OPENAI_API_KEY: 'sk-flow-value-1', DEBUG: 'false', EMPTY: '' } } });
      expect(set.status).toBe(200);
      expect(set.body).toEqual({ message: 'Secrets saved successfully', secretCount: 3 });
      expect((await list()).body).toEqual({ secrets: { DEBUG: 'false', EMPTY: '', OPENAI_API_KEY: 'sk-flow-value-1' } });

      const replaced = await t.request(url(), { method: 'POST', token: team.ownerKey, json: { secrets: { DEBUG: 'true', DB_URL: 'postgres://flow-value-2' } } });
      expect(replaced.body).toEqual({ message: 'Secrets saved successfully', secretCount: 2 });
      expect((await list()).body).toEqual({ secrets: { DB_URL: 'postgres://flow-value-2', DEBUG: 'true' } });
    });

    it('PUT sets one secret (creates or updates) and leaves the others', async () => {
      const created = await t.request(url(appId, 'API_TOKEN'), { method: 'PUT', token: team.ownerKey, json: { value: 'flow-value-3' } });
      expect(created.status).toBe(200);
      expect(created.body).toEqual({ message: 'Secret created successfully', key: 'API_TOKEN' });
      const updated = await t.request(url(appId, 'DEBUG'), { method: 'PUT', token: team.ownerKey, json: { value: 'verbose' } });
      expect(updated.status).toBe(200);
      expect(updated.body).toEqual({ message: 'Secret updated successfully', key: 'DEBUG' });
      expect((await list()).body.secrets).toEqual({ API_TOKEN: 'flow-value-3', DB_URL: 'postgres://flow-value-2', DEBUG: 'verbose' });
    });

    it('DELETE …/secrets/:key removes one; an unknown key is 404', async () => {
      const del = await t.request(url(appId, 'DEBUG'), { method: 'DELETE', token: team.ownerKey });
      expect(del.status).toBe(200);
      expect(del.body).toEqual({ message: 'Secret deleted successfully' });
      const again = await t.request(url(appId, 'DEBUG'), { method: 'DELETE', token: team.ownerKey });
      expect(again.status).toBe(404);
      expect(again.body).toEqual({ error: 'Secret not found', code: 'NOT_FOUND' });
      const invalidName = await t.request(url(appId, 'lower_case'), { method: 'DELETE', token: team.ownerKey });
      expect(invalidName.status).toBe(404);
      expect(Object.keys((await list()).body.secrets)).toEqual(['API_TOKEN', 'DB_URL']);
    });

    it('DELETE …/secrets removes all (also when there are none)', async () => {
      const del = await t.request(url(), { method: 'DELETE', token: team.ownerKey });
      expect(del.status).toBe(200);
      expect(del.body).toEqual({ message: 'Deleted 2 secrets' });
      expect((await list()).body).toEqual({ secrets: {} });
      const none = await t.request(url(), { method: 'DELETE', token: team.ownerKey });
      expect(none.status).toBe(200);
      expect(none.body).toEqual({ message: 'Deleted 0 secrets' });
    });

    it('POST with an empty object clears the set', async () => {
      await t.request(url(appId, 'TEMP'), { method: 'PUT', token: team.ownerKey, json: { value: 'x' } });
      const res = await t.request(url(), { method: 'POST', token: team.ownerKey, json: { secrets: {} } });
      expect(res.body).toEqual({ message: 'Secrets saved successfully', secretCount: 0 });
      expect((await list()).body).toEqual({ secrets: {} });
    });
  });

  describe('validation (400 {error, code, details}; values never echoed)', () => {
    const post = (json: unknown) => t.request(url(), { method: 'POST', token: team.ownerKey, json });

    it('rejects keys outside ^[A-Z0-9_]+$', async () => {
      for (const key of ['lower', 'WITH-DASH', 'WITH SPACE', 'DOT.TED', 'ÜMLAUT', '']) {
        const res = await post({ secrets: { [key]: 'invalid-key-value-77' } });
        expect(res.status, key).toBe(400);
        expect(res.body.code).toBe('VALIDATION_ERROR');
        expect(res.body.error).toBe('Invalid request');
        expect(res.body.details[0].message).toMatch(/uppercase letters, digits and underscores|required/);
        expect(res.text).not.toContain('invalid-key-value-77');
      }
      const put = await t.request(url(appId, 'lower'), { method: 'PUT', token: team.ownerKey, json: { value: 'invalid-key-value-88' } });
      expect(put.status).toBe(400);
      expect(put.body.details).toEqual([{ path: 'key', message: 'Secret keys may only contain uppercase letters, digits and underscores (^[A-Z0-9_]+$)' }]);
      expect(put.text).not.toContain('invalid-key-value-88');
    });

    it('rejects non-string values, a missing body and invalid JSON', async () => {
      const number = await post({ secrets: { PORT: 8080 } });
      expect(number.status).toBe(400);
      expect(number.body.details).toEqual([{ path: 'secrets.PORT', message: 'Secret value must be a string' }]);
      expect((await post({ secrets: ['A=1'] })).status).toBe(400);
      const missing = await post({});
      expect(missing.status).toBe(400);
      expect(missing.body.details[0].path).toBe('secrets');
      const noValue = await t.request(url(appId, 'KEY'), { method: 'PUT', token: team.ownerKey, json: {} });
      expect(noValue.status).toBe(400);
      expect(noValue.body.details).toEqual([{ path: 'value', message: 'Secret value must be a string' }]);
      const badJson = await t.request(url(), { method: 'POST', token: team.ownerKey, body: '{"secrets": {"A": "unterminated-value-99', headers: { 'content-type': 'application/json' } });
      expect(badJson.status).toBe(400);
      expect(badJson.body).toEqual({ error: 'Request body is not valid JSON', code: 'INVALID_JSON' });
      expect(badJson.text).not.toContain('unterminated-value-99');
    });

    it('accepts values up to 64 KiB (UTF-8 bytes) and rejects longer ones', async () => {
      const max = 'v'.repeat(64 * 1024);
      const ok = await t.request(url(appId, 'BIG'), { method: 'PUT', token: team.ownerKey, json: { value: max } });
      expect(ok.status).toBe(200);
      expect((await list()).body.secrets.BIG).toBe(max);
      const tooLong = await t.request(url(appId, 'BIG'), { method: 'PUT', token: team.ownerKey, json: { value: 'é'.repeat(32 * 1024 + 1) } }); // 32,769 chars, 65,538 bytes
      expect(tooLong.status).toBe(400);
      expect(tooLong.body.details).toEqual([{ path: 'value', message: 'Secret value must be at most 65536 bytes (64 KiB)' }]);
      await t.request(url(appId, 'BIG'), { method: 'DELETE', token: team.ownerKey });
    });

    it('allows at most 200 keys per app, through POST and through PUT', async () => {
      const many = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`KEY_${String(i).padStart(3, '0')}`, `v${i}`]));
      const over = await post({ secrets: many(MAX_SECRETS_PER_APP + 1) });
      expect(over.status).toBe(400);
      expect(over.body.details).toEqual([{ path: 'secrets', message: 'An agent app can have at most 200 secrets' }]);
      const full = await post({ secrets: many(MAX_SECRETS_PER_APP) });
      expect(full.body.secretCount).toBe(200);
      const oneMore = await t.request(url(appId, 'ONE_MORE'), { method: 'PUT', token: team.ownerKey, json: { value: 'x' } });
      expect(oneMore.status).toBe(400);
      expect(oneMore.body).toEqual({ error: 'An agent app can have at most 200 secrets', code: 'VALIDATION_ERROR', details: [{ path: 'secrets', message: 'An agent app can have at most 200 secrets' }] });
      const update = await t.request(url(appId, 'KEY_000'), { method: 'PUT', token: team.ownerKey, json: { value: 'still fine' } });
      expect(update.status).toBe(200);
      expect((await t.request(url(), { method: 'DELETE', token: team.ownerKey })).body.message).toBe('Deleted 200 secrets');
    });
  });

  describe('roles', () => {
    beforeAll(async () => {
      await t.request(url(), { method: 'POST', token: team.ownerKey, json: { secrets: { ROLE_SECRET: 'role-secret-value-42' } } });
    });

    it('owners and admins read values (session or API key)', async () => {
      for (const token of [team.owner.token, team.admin.token, team.ownerKey]) {
        const res = await list(token);
        expect(res.status).toBe(200);
        expect(res.body.secrets).toEqual({ ROLE_SECRET: 'role-secret-value-42' });
      }
    });

    it('members get 403 on values and list key names with ?names_only=true', async () => {
      for (const token of [team.member.token, team.memberKey]) {
        const res = await list(token);
        expect(res.status).toBe(403);
        expect(res.body).toEqual({ error: 'Only owners and admins can read secret values; members can list the key names with ?names_only=true', code: 'FORBIDDEN' });
        const names = await t.request(`${url()}?names_only=true`, { token });
        expect(names.status).toBe(200);
        expect(names.body).toEqual({ keys: [{ key: 'ROLE_SECRET', created_at: expect.any(String), updated_at: expect.any(String) }] });
        expect(names.text).not.toContain('role-secret-value-42');
      }
      const owner = await t.request(`${url()}?names_only=1`, { token: team.ownerKey });
      expect(owner.body.keys.map((k: { key: string }) => k.key)).toEqual(['ROLE_SECRET']);
      expect((await t.request(`${url()}?names_only=maybe`, { token: team.ownerKey })).status).toBe(400);
    });

    it('members may write (set, replace, delete) without ever reading values back', async () => {
      const put = await t.request(url(appId, 'MEMBER_SET'), { method: 'PUT', token: team.memberKey, json: { value: 'member-value-43' } });
      expect(put.status).toBe(200);
      expect(put.text).not.toContain('member-value-43');
      const del = await t.request(url(appId, 'MEMBER_SET'), { method: 'DELETE', token: team.member.token });
      expect(del.status).toBe(200);
      const replace = await t.request(url(), { method: 'POST', token: team.member.token, json: { secrets: { ROLE_SECRET: 'role-secret-value-42', SECOND: 'member-value-44' } } });
      expect(replace.body).toEqual({ message: 'Secrets saved successfully', secretCount: 2 });
      expect((await list()).body.secrets).toEqual({ ROLE_SECRET: 'role-secret-value-42', SECOND: 'member-value-44' });
    });
  });

  describe('tenancy and authentication', () => {
    it("answers 404 for another organization's app on every route and changes nothing", async () => {
      await t.request(url(otherAppId, 'THEIR_KEY'), { method: 'PUT', token: other.token, json: { value: 'their-value-45' } });
      const attempts = [
        { path: url(otherAppId), method: 'GET' },
        { path: `${url(otherAppId)}?names_only=true`, method: 'GET' },
        { path: url(otherAppId), method: 'POST', json: { secrets: { MINE: 'x' } } },
        { path: url(otherAppId, 'THEIR_KEY'), method: 'PUT', json: { value: 'overwritten' } },
        { path: url(otherAppId, 'THEIR_KEY'), method: 'DELETE' },
        { path: url(otherAppId), method: 'DELETE' },
      ];
      for (const token of [team.ownerKey, team.owner.token, team.member.token]) {
        for (const a of attempts) {
          const res = await t.request(a.path, { method: a.method, token, json: a.json });
          expect(res.status, `${a.method} ${a.path}`).toBe(404);
          expect(res.body).toEqual({ error: 'Agent app not found', code: 'NOT_FOUND' });
        }
      }
      expect((await list(other.token, otherAppId)).body).toEqual({ secrets: { THEIR_KEY: 'their-value-45' } });
    });

    it('answers 404 for unknown and malformed app ids, 401 without credentials', async () => {
      expect((await list(team.ownerKey, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
      expect((await list(team.ownerKey, 'not-an-id')).status).toBe(404);
      for (const method of ['GET', 'POST', 'DELETE']) {
        const res = await t.request(url(), { method, json: method === 'POST' ? { secrets: {} } : undefined });
        expect(res.status).toBe(401);
        expect(res.body.code).toBe('UNAUTHORIZED');
      }
      expect((await t.request(url(appId, 'X'), { method: 'PUT', json: { value: 'x' } })).status).toBe(401);
      expect((await list('pac_not_a_real_key')).status).toBe(401);
    });
  });

  describe('storage and audit', () => {
    it('stores values encrypted (AES-256-GCM, bound to app and key) and removes them with the app', async () => {
      await t.request(url(appId, 'AT_REST'), { method: 'PUT', token: team.ownerKey, json: { value: 'at-rest-value-46' } });
      const [row] = await t.db.select().from(appSecrets).where(and(eq(appSecrets.appId, appId), eq(appSecrets.key, 'AT_REST')));
      expect(row.orgId).toBe(team.owner.orgId);
      expect(row.valueEncrypted).toMatch(/^v1:[0-9a-f]{8}:/);
      expect(row.valueEncrypted).not.toContain('at-rest-value-46');
      expect(JSON.parse(t.services.secrets.decrypt(row.valueEncrypted))).toEqual({ a: appId, k: 'AT_REST', v: 'at-rest-value-46' });

      // A ciphertext moved onto another key does not decrypt there.
      const [second] = await t.db.select().from(appSecrets).where(and(eq(appSecrets.appId, appId), eq(appSecrets.key, 'SECOND')));
      await t.db.update(appSecrets).set({ valueEncrypted: row.valueEncrypted }).where(eq(appSecrets.id, second.id));
      const res = await list();
      expect(res.status).toBe(500);
      expect(res.text).not.toContain('at-rest-value-46');
      await t.request(url(appId, 'SECOND'), { method: 'PUT', token: team.ownerKey, json: { value: 'repaired' } });
      expect((await list()).status).toBe(200);

      const temp = (await t.request('/api/agent-apps', { method: 'POST', token: team.ownerKey, json: { name: 'Short lived' } })).body.app.id;
      await t.request(url(temp, 'GONE'), { method: 'PUT', token: team.ownerKey, json: { value: 'gone' } });
      expect((await t.request(`/api/agent-apps/${temp}`, { method: 'DELETE', token: team.owner.token })).status).toBe(200);
      expect(await t.db.select().from(appSecrets).where(eq(appSecrets.appId, temp))).toEqual([]);
    });

    it('writes one audit row per change, with key names only', async () => {
      const rows = await t.db.select().from(auditLogs).where(eq(auditLogs.resourceId, appId));
      const actions = new Set(rows.map((r) => r.action));
      for (const a of ['secrets.replace', 'secret.create', 'secret.update', 'secret.delete', 'secrets.delete_all']) expect(actions.has(a), a).toBe(true);
      const replace = rows.find((r) => r.action === 'secrets.replace' && (r.metadata as { keys: string[] }).keys.includes('DB_URL'));
      expect(replace?.metadata).toMatchObject({ keys: ['DB_URL', 'DEBUG'], added: ['DB_URL'], changed: ['DEBUG'], removed: ['EMPTY', 'OPENAI_API_KEY'] });
      const text = JSON.stringify(rows);
      for (const value of ['sk-flow-value-1', 'postgres://flow-value-2', 'flow-value-3', 'role-secret-value-42', 'member-value-43', 'at-rest-value-46']) {
        expect(text).not.toContain(value);
      }
    });
  });

  describe('tRPC (dashboard)', () => {
    const query = async (path: string, input: unknown, token: string) => {
      const res = await t.request(`/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify(superjson.serialize(input)))}`, { token });
      return { status: res.status, data: res.body?.result ? superjson.deserialize<any>(res.body.result.data) : undefined, error: res.body?.error ? superjson.deserialize<any>(res.body.error) : undefined };
    };
    const mutate = async (path: string, input: unknown, token: string) => {
      const res = await t.request(`/api/trpc/${path}`, { method: 'POST', token, json: superjson.serialize(input) });
      return { status: res.status, data: res.body?.result ? superjson.deserialize<any>(res.body.result.data) : undefined, error: res.body?.error ? superjson.deserialize<any>(res.body.error) : undefined, text: res.text };
    };

    it('list gives names and dates to members and values to owners and admins', async () => {
      await t.request(url(), { method: 'POST', token: team.ownerKey, json: { secrets: { TRPC_ONE: 'trpc-value-47' } } });
      const asAdmin = await query('secrets.list', { appId }, team.admin.token);
      expect(asAdmin.status).toBe(200);
      expect(asAdmin.data).toEqual({ canReadValues: true, secrets: [{ key: 'TRPC_ONE', value: 'trpc-value-47', createdAt: expect.any(Date), updatedAt: expect.any(Date) }] });
      const asMember = await query('secrets.list', { appId }, team.member.token);
      expect(asMember.data).toEqual({ canReadValues: false, secrets: [{ key: 'TRPC_ONE', value: null, createdAt: expect.any(Date), updatedAt: expect.any(Date) }] });
      const foreign = await query('secrets.list', { appId: otherAppId }, team.owner.token);
      expect(foreign.status).toBe(404);
      expect(foreign.error.data.appCode).toBe('NOT_FOUND');
    });

    it('set, setMany (KEY=VALUE paste), delete and deleteAll', async () => {
      const set = await mutate('secrets.set', { appId, key: 'TRPC_TWO', value: 'trpc-value-48' }, team.member.token);
      expect(set.data).toEqual({ key: 'TRPC_TWO', created: true });
      const paste = ['# pasted from a .env', 'export TRPC_THREE=trpc-value-49', 'TRPC_FOUR="multi word # not a comment"', "TRPC_TWO='trpc-value-50'", ''].join('\n');
      const many = await mutate('secrets.setMany', { appId, text: paste }, team.member.token);
      expect(many.status).toBe(200);
      expect(many.data).toEqual({ keys: ['TRPC_FOUR', 'TRPC_THREE', 'TRPC_TWO'], secretCount: 4 });
      expect((await list()).body.secrets).toEqual({ TRPC_FOUR: 'multi word # not a comment', TRPC_ONE: 'trpc-value-47', TRPC_THREE: 'trpc-value-49', TRPC_TWO: 'trpc-value-50' });

      const bad = await mutate('secrets.setMany', { appId, text: 'GOOD=bad-paste-value-51\nno equals sign here\nlower=bad-paste-value-52' }, team.owner.token);
      expect(bad.status).toBe(400);
      expect(bad.error.data.appCode).toBe('VALIDATION_ERROR');
      expect(bad.error.data.details).toEqual([
        { path: 'text', message: 'Line 2: ignored (expected KEY=VALUE)' },
        { path: 'text.lower', message: 'Secret keys may only contain uppercase letters, digits and underscores (^[A-Z0-9_]+$)' },
      ]);
      expect(bad.text).not.toContain('bad-paste-value');
      expect((await list()).body.secrets.GOOD).toBeUndefined();
      expect((await mutate('secrets.setMany', { appId, text: '# nothing\n' }, team.owner.token)).status).toBe(400);

      const invalidKey = await mutate('secrets.set', { appId, key: 'bad key', value: 'x' }, team.owner.token);
      expect(invalidKey.status).toBe(400);

      expect((await mutate('secrets.delete', { appId, key: 'TRPC_FOUR' }, team.owner.token)).data).toEqual({ key: 'TRPC_FOUR' });
      expect((await mutate('secrets.delete', { appId, key: 'TRPC_FOUR' }, team.owner.token)).status).toBe(404);
      expect((await mutate('secrets.deleteAll', { appId }, team.owner.token)).data).toEqual({ deletedCount: 3 });
      expect((await list()).body).toEqual({ secrets: {} });
      expect((await mutate('secrets.set', { appId: otherAppId, key: 'X', value: 'x' }, team.owner.token)).status).toBe(404);
    });
  });
});
