// Issue 5 §3 for the dashboard's transport: the same sweeps as the REST routes, over every tRPC
// procedure of the app router (enumerated from the router itself, so a new procedure is swept the
// day it is added):
// - without credentials every procedure except the public ones answers 401 UNAUTHORIZED;
// - every mutation sent with the session cookie from a foreign origin is refused (403) and changes nothing;
// - inputs of the wrong type, huge strings, deep nesting and hostile strings get a 4xx, never a 5xx,
//   and the server stays healthy.
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from '../../trpc/router.ts';
import type { TestApp, TestResponse } from '../harness.ts';
import { FOREIGN_ORIGIN, fingerprint, failedRequestLogs, makeWorld, startSecurityApp, type World } from './world.ts';

type ProcedureType = 'query' | 'mutation' | 'subscription';
type ProcedureDef = { _def: { type: ProcedureType; inputs: unknown[] } };
const procedures = Object.entries((appRouter._def as unknown as { procedures: Record<string, ProcedureDef> }).procedures).map(([path, p]) => ({
  path,
  type: p._def.type,
  hasInput: p._def.inputs.length > 0,
}));
const callable = procedures.filter((p) => p.type !== 'subscription');

/**
 * What a signed-out visitor may call: who am I (null when signed out), signing up and in, e-mail
 * links, and invitations (their preview, and accepting one, which creates the account of a new user).
 */
const PUBLIC_PROCEDURES = [
  'auth.me',
  'org.acceptInvitation',
  'auth.signup',
  'auth.login',
  'auth.logout',
  'auth.verifyEmail',
  'auth.resendVerification',
  'auth.requestPasswordReset',
  'auth.resetPassword',
  'org.invitationInfo',
];

let t: TestApp;
let w: World;
beforeAll(async () => {
  t = await startSecurityApp();
  w = await makeWorld(t);
});
afterAll(() => t.close());

function call(path: string, type: ProcedureType, input: unknown, init: { token?: string; cookie?: string; headers?: Record<string, string> } = {}): Promise<TestResponse> {
  const encoded = input === undefined ? undefined : JSON.stringify(superjson.serialize(input));
  if (type === 'query') {
    const qs = encoded === undefined ? '' : `?input=${encodeURIComponent(encoded)}`;
    return t.request(`/api/trpc/${path}${qs}`, init);
  }
  return t.request(`/api/trpc/${path}`, { method: 'POST', ...init, headers: { 'content-type': 'application/json', ...init.headers }, body: encoded ?? '{}' });
}

describe('tRPC sweeps', () => {
  it('enumerates the procedures of every area', () => {
    const areas = new Set(procedures.map((p) => p.path.split('.')[0]));
    expect([...areas].sort()).toEqual(['apiKeys', 'apps', 'auditLogs', 'auth', 'billing', 'deployments', 'org', 'packages', 'secrets', 'usage', 'webhooks']);
    expect(callable.length).toBeGreaterThan(55);
  });

  it('without credentials every non-public procedure answers 401 UNAUTHORIZED', async () => {
    const notRefused: string[] = [];
    for (const p of callable) {
      if (PUBLIC_PROCEDURES.includes(p.path)) continue;
      const res = await call(p.path, p.type, p.hasInput ? {} : undefined);
      if (res.status !== 401) notRefused.push(`${p.path} → ${res.status}`);
      else expect(JSON.stringify(res.body)).toContain('UNAUTHORIZED');
    }
    expect(notRefused).toEqual([]);
    // and the public list names real procedures only
    expect(PUBLIC_PROCEDURES.filter((name) => !procedures.some((p) => p.path === name))).toEqual([]);
  });

  it('every mutation with the session cookie from a foreign origin is refused and changes nothing', async () => {
    const before = await fingerprint(t);
    const accepted: string[] = [];
    for (const p of callable.filter((x) => x.type === 'mutation')) {
      const res = await call(p.path, p.type, {}, { cookie: w.a.owner.token, headers: { origin: FOREIGN_ORIGIN } });
      if (res.status !== 403) accepted.push(`${p.path} → ${res.status}`);
    }
    expect(accepted).toEqual([]);
    expect(await fingerprint(t)).toEqual(before);
  });

  it('hostile and malformed inputs get a 4xx, never a 5xx, and the server stays healthy', async () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 200; i++) deep = { a: deep };
    const inputs: Record<string, unknown> = {
      'a string': "x'; drop table users; --",
      'a number': 42,
      'an array': [1, 2, 3],
      'null': null,
      'deep nesting': deep,
      'wrong field types': { id: 12, name: ['x'], appId: { $ne: 1 }, email: 5, limit: 'all', days: -1, page: 'x' },
      'huge strings': { id: 'x'.repeat(1_000_000), name: 'n'.repeat(1_000_000) },
      'unicode and path metacharacters': { id: '../../etc/passwd\u0000', name: '\u202e𝔘𝔫𝔦𝔠𝔬𝔡𝔢 %00', appId: "1' OR '1'='1" },
    };
    const fiveHundreds: string[] = [];
    for (const p of callable.filter((x) => x.hasInput)) {
      for (const [label, input] of Object.entries(inputs)) {
        const res = await call(p.path, p.type, input, { token: w.b.owner.token });
        if (res.status >= 500) fiveHundreds.push(`${p.path} with ${label} → ${res.status}`);
        if (res.status >= 400) expect(res.status, `${p.path} with ${label}`).toBeLessThan(500);
      }
    }
    expect(fiveHundreds).toEqual([]);
    expect(failedRequestLogs(t)).toEqual([]);
    expect((await t.request('/api/health')).status).toBe(200);
    // the owner's session still works (no input was taken as a sign-out or an organization switch)
    expect((await call('apps.list', 'query', undefined, { token: w.b.owner.token })).status).toBe(200);
  });
});
