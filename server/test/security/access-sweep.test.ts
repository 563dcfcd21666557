// Issue 5 §3 — auth, role and CSRF sweeps over every route of route-table.ts:
// - every route that needs a user: no credentials, a deleted key, a rotated-away key, a logged-out
//   or expired session, a malformed Authorization → 401 UNAUTHORIZED, and nothing changes;
//   shared-secret routes refuse a missing or wrong secret (and a user's API key in its place);
// - every admin route: a member (session and own API key) → 403 FORBIDDEN, nothing changes, while an
//   admin succeeds; every member route succeeds for a member;
// - every state-changing route: the session cookie with a foreign Origin / Referer / `null` origin
//   → 403 CSRF_REJECTED and nothing changes; the same request from the app's own origin succeeds.
import { eq } from 'drizzle-orm';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessions } from '../../../db/schema/index.ts';
import { sha256Hex } from '../../domain/tokens.ts';
import type { TestApp } from '../harness.ts';
import { ROUTES, credentialsOf, isOpen, ownerRequest, splitKey, viasOf, type RouteSpec } from './route-table.ts';
import {
  FOREIGN_ORIGIN,
  answered,
  changedTables,
  expectErrorShape,
  failedRequestLogs,
  fingerprint,
  makeWorld,
  newApiKey,
  newMember,
  newSession,
  send,
  startSecurityApp,
  type Built,
  type Credentials,
  type World,
} from './world.ts';

let t: TestApp;
let w: World;
const entries = Object.entries(ROUTES).map(([key, spec]) => ({ key, spec, ...splitKey(key) }));

/** Credentials that must all be refused: label → credentials. */
let refused: Record<string, Credentials>;

beforeAll(async () => {
  t = await startSecurityApp();
  w = await makeWorld(t);
  const owner = w.a.owner;
  const created = await t.request('/api/api-keys', { method: 'POST', token: owner.token, json: { name: 'to delete' } });
  expect((await t.request(`/api/api-keys/${created.body.apiKey.id}`, { method: 'DELETE', token: owner.token })).status).toBe(200);
  const rotated = await t.request('/api/api-keys', { method: 'POST', token: owner.token, json: { name: 'to rotate' } });
  expect((await t.request(`/api/api-keys/${rotated.body.apiKey.id}/rotate`, { method: 'POST', token: owner.token })).status).toBe(200);
  const loggedOut = (await newSession(t, owner.userId, owner.orgId)).accessToken;
  expect((await t.request('/api/auth/logout', { method: 'POST', token: loggedOut })).status).toBe(200);
  const expired = (await newSession(t, owner.userId, owner.orgId)).accessToken;
  const past = new Date(Date.now() - 60_000);
  await t.db.update(sessions).set({ expiresAt: past, refreshExpiresAt: past }).where(eq(sessions.id, sha256Hex(expired)));
  // The first use of an expired session deletes its row (clean-up): do it before the sweeps compare tables.
  expect((await t.request('/api/organizations/current', { token: expired })).status).toBe(401);
  refused = {
    'no credentials': {},
    'a deleted API key': { bearer: created.body.apiKey.key },
    'a rotated-away API key': { bearer: rotated.body.apiKey.key },
    'a logged-out session (Bearer)': { bearer: loggedOut },
    'a logged-out session (cookie)': { cookie: loggedOut },
    'an expired session (Bearer)': { bearer: expired },
    'an expired session (cookie)': { cookie: expired },
    'a made-up API key': { bearer: `pac_${'A'.repeat(40)}` },
  };
});
afterAll(() => t.close());

describe('auth sweep: every route that needs a user refuses missing and dead credentials with 401', () => {
  for (const { key, spec, method, path } of entries.filter((e) => !isOpen(e.spec))) {
    it(key, async () => {
      // A valid request of organization A: only the credentials are wrong.
      const built = await spec.build(w, w.a);
      const before = await fingerprint(t);
      for (const [label, creds] of Object.entries(refused)) {
        const res = await send(t, method, path, built, creds);
        expect(res.status, `${label}: ${res.text.slice(0, 200)}`).toBe(401);
        expectErrorShape(res, 'UNAUTHORIZED');
      }
      for (const authorization of ['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer  ', `Bearer ${'x'.repeat(5000)}`]) {
        const res = await send(t, method, path, built, {}, { headers: { authorization } });
        expect(res.status, `Authorization: ${authorization.slice(0, 20)}`).toBe(401);
        expectErrorShape(res, 'UNAUTHORIZED');
      }
      expect(changedTables(before, await fingerprint(t))).toEqual([]);
    });
  }

  for (const { key, spec, method, path } of entries.filter((e) => e.spec.access.kind === 'shared-secret')) {
    it(`${key} refuses a missing or wrong secret`, async () => {
      const access = spec.access as Extract<RouteSpec['access'], { kind: 'shared-secret' }>;
      const built = await spec.build(w, w.a);
      const before = await fingerprint(t);
      const wrong: Built = {
        ...built,
        headers: Object.fromEntries(Object.entries(built.headers ?? {}).map(([k, v]) => [k, `${v.slice(0, -2)}xx`])),
        query: built.query && { ...built.query, sig: `${built.query.sig.slice(0, -2)}xx` },
      };
      for (const variant of [{ ...built, headers: undefined, query: undefined }, wrong]) {
        const res = await send(t, method, path, variant);
        expect(res.status, res.text.slice(0, 200)).toBe(access.anonymous[0]);
        expectErrorShape(res, access.anonymous[1]);
        // A user's credentials do not stand in for the secret.
        const withKey = await send(t, method, path, variant, { bearer: w.a.owner.key });
        expect(withKey.status).toBe(access.anonymous[0]);
      }
      expect(changedTables(before, await fingerprint(t))).toEqual([]);
    });
  }

  // Public routes answering without credentials: inventory.test.ts sends every open route's request
  // without credentials and expects its `ok` status.

  it('session-only routes refuse API keys with 403', async () => {
    for (const { spec, method, path } of entries.filter((e) => e.spec.access.kind === 'session')) {
      const res = await send(t, method, path, await spec.build(w, w.a), { bearer: w.a.owner.key });
      expect(res.status, path).toBe(403);
      expectErrorShape(res, 'FORBIDDEN');
    }
  });
});

describe('role sweep: members cannot manage members, keys of others, billing or settings', () => {
  for (const { key, spec, method, path } of entries.filter((e) => e.spec.access.kind === 'org')) {
    const role = (spec.access as { role: string }).role;
    if (role === 'admin') {
      it(`${key}: member → 403, nothing changes; admin → ${spec.ok}`, async () => {
        for (const via of viasOf(spec)) {
          const built = await spec.build(w, w.a);
          const before = await fingerprint(t);
          const res = await send(t, method, path, built, await credentialsOf(w, w.a.member, spec, via));
          expect(res.status, `member via ${via}: ${res.text.slice(0, 200)}`).toBe(403);
          expectErrorShape(res, 'FORBIDDEN');
          expect(changedTables(before, await fingerprint(t))).toEqual([]);
          const ok = await send(t, method, path, await spec.build(w, w.a), await credentialsOf(w, w.a.admin, spec, via));
          expect(ok.status, `admin via ${via}: ${ok.text.slice(0, 200)}`).toBe(spec.ok);
        }
      });
    } else {
      it(`${key}: member → ${spec.ok}`, async () => {
        for (const via of viasOf(spec)) {
          const res = await send(t, method, path, await spec.build(w, w.a), await credentialsOf(w, w.a.member, spec, via));
          expect(res.status, `member via ${via}: ${res.text.slice(0, 200)}`).toBe(spec.ok);
        }
      });
    }
  }

  it('members manage their own keys and may leave; never others', async () => {
    const m = w.a.member;
    for (const [method, suffix] of [
      ['POST', '/rotate'],
      ['DELETE', ''],
    ] as const) {
      const own = await newApiKey(w, w.a, 'member');
      expect((await t.request(`/api/api-keys/${own}${suffix}`, { method, token: m.token })).status).toBe(200);
      for (const creator of ['owner', 'admin'] as const) {
        const other = await newApiKey(w, w.a, creator);
        const res = await t.request(`/api/api-keys/${other}${suffix}`, { method, token: m.key });
        expect(res.status).toBe(403);
      }
    }
    for (const target of [w.a.owner.userId, w.a.admin.userId, await newMember(w, w.a)]) {
      expect((await t.request(`/api/organizations/members/${target}`, { method: 'DELETE', token: m.token })).status).toBe(403);
    }
    const leaving = await newMember(w, w.a);
    const session = await newSession(t, leaving, w.a.orgId);
    expect((await t.request(`/api/organizations/members/${leaving}`, { method: 'DELETE', token: session.accessToken })).status).toBe(200);
  });

  it('members see secret names only', async () => {
    const built = await ROUTES['GET /api/agent-apps/:id/secrets'].build(w, w.a);
    const res = await send(t, 'GET', '/api/agent-apps/:id/secrets', { ...built, query: { names_only: 'true' } }, { bearer: w.a.member.key });
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('sweep value');
  });
});

describe('CSRF: cookie-authenticated mutations from a foreign origin are refused', () => {
  const foreign: Array<[string, Record<string, string>]> = [
    ['a foreign Origin', { origin: FOREIGN_ORIGIN }],
    ['a foreign Referer', { referer: `${FOREIGN_ORIGIN}/page` }],
    ['Origin: null', { origin: 'null' }],
    ['a look-alike Origin', { origin: 'http://127.0.0.1.evil.example' }],
  ];
  const mutations = entries.filter((e) => e.method !== 'GET' && !e.spec.csrfExempt);

  for (const { key, spec, method, path } of mutations) {
    it(`${key}: 403 CSRF_REJECTED from a foreign origin, ${spec.ok} from the app's origin`, async () => {
      const { built, creds } = await ownerRequest(w, w.a, spec);
      const cookie = isOpen(spec) ? { cookie: w.a.owner.token } : await credentialsOf(w, w.a.owner, spec, 'cookie');
      const before = await fingerprint(t);
      for (const [label, headers] of foreign) {
        const res = await send(t, method, path, built, cookie, { headers });
        expect(res.status, `${label}: ${res.text.slice(0, 200)}`).toBe(403);
        expectErrorShape(res, 'CSRF_REJECTED');
      }
      expect(changedTables(before, await fingerprint(t))).toEqual([]);
      // The same request from the app's own pages goes through (with the cookie where a session is taken).
      const res = await send(t, method, path, built, isOpen(spec) || spec.via === 'apiKey' ? creds : cookie, { headers: { origin: t.origin } });
      expect(res.status, res.text.slice(0, 200)).toBe(spec.ok);
    });
  }

  for (const { key, spec, method, path } of entries.filter((e) => e.spec.csrfExempt)) {
    it(`${key} is exempt (${spec.csrfExempt})`, async () => {
      const res = await send(t, method, path, await spec.build(w, w.a), {}, { headers: { origin: FOREIGN_ORIGIN } });
      expect(res.status).toBe(spec.ok);
    });
  }

  it('Bearer requests are not subject to the Origin check (no ambient credentials)', async () => {
    const res = await t.request('/api/agent-apps', { method: 'POST', token: w.a.owner.key, json: { name: 'bearer from anywhere' }, headers: { origin: FOREIGN_ORIGIN } });
    expect(res.status).toBe(201);
  });

  it("the dashboard's tRPC mutations are covered too", async () => {
    const before = await fingerprint(t);
    const body = JSON.stringify(superjson.serialize({ name: 'csrf via trpc' }));
    const res = await t.request('/api/trpc/apps.create', { method: 'POST', cookie: w.a.owner.token, body, headers: { 'content-type': 'application/json', origin: FOREIGN_ORIGIN } });
    expect(res.status).toBe(403);
    expect(changedTables(before, await fingerprint(t))).toEqual([]);
    const ok = await t.request('/api/trpc/apps.create', { method: 'POST', cookie: w.a.owner.token, body, headers: { 'content-type': 'application/json', origin: t.origin } });
    expect(ok.status).toBe(200);
  });
});

describe('after the sweeps', () => {
  it('no request was answered with a 5xx and no request failed in the logs', async () => {
    expect(answered.filter((a) => a.status >= 500)).toEqual([]);
    expect(failedRequestLogs(t)).toEqual([]);
    expect((await t.request('/api/health')).status).toBe(200);
  });
});
