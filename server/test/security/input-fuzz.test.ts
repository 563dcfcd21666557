// Issue 5 §3 — input fuzzing over every route of route-table.ts, with deterministic generators:
// each route's valid request (from its table entry, sent by organization A's owner) is mutated —
// every body field set to values of the wrong type, a 1 MB string, deep nesting, unicode, SQL and
// path metacharacters; whole bodies replaced (wrong JSON types, broken JSON, wrong content types);
// query values and path params replaced by hostile and malformed ones (bad percent-encoding too);
// hostile headers. No answer may be a 5xx; every 4xx has the error shape; values of the wrong type
// or size are refused with a 4xx. Afterwards the server is healthy, logged no failed request, and
// no prototype was polluted.
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp, TestResponse } from '../harness.ts';
import { fillPath, pathParams } from '../route-inventory.ts';
import { ROUTES, credentialsOf, isOpen, splitKey, viasOf, type RouteSpec } from './route-table.ts';
import {
  answered,
  expectErrorShape,
  failedRequestLogs,
  fingerprint,
  makeWorld,
  send,
  startSecurityApp,
  type Built,
  type Credentials,
  type SendOptions,
  type World,
} from './world.ts';

let t: TestApp;
let w: World;

beforeAll(async () => {
  t = await startSecurityApp();
  w = await makeWorld(t);
});
afterAll(() => t.close());

// --- deterministic generators ------------------------------------------------------------------

/** Strings that are hostile but may be valid values: stored or refused, never a 5xx. */
const HOSTILE_STRINGS: Record<string, string> = {
  'SQL quote': "x' OR '1'='1'; DROP TABLE users; --",
  'SQL double quote': 'x"; select pg_sleep(10); --',
  'SQL comment': "*/ union select password_hash from users /*",
  'path traversal': '../../../../etc/passwd',
  'windows path': '..\\..\\windows\\win.ini',
  'NUL byte': 'a\u0000b',
  'control characters': '\u0001\u0008\u001b[31m\u007f',
  unicode: '𝕌𝕟𝕚𝕔𝕠𝕕𝕖 \u202eRTL\u202c e\u0301 😀 中文 \ufeff',
  'lone surrogate': 'x\ud800y',
  'percent escapes': '%00%2e%2e%2f%E0%A4%A',
  'CRLF injection': 'a\r\nSet-Cookie: pwn=1',
  HTML: '<script>alert(1)</script>',
  'format string': '%s%s%s%n{0}${7*7}{{7*7}}',
  '10k characters': 'y'.repeat(10_000),
};

function nested(depth: number): unknown {
  let v: unknown = 'leaf';
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

/** Values of another JSON type than `valid` (and the sizes no field accepts). */
function wrongValues(valid: unknown): Array<[string, unknown]> {
  const all: Array<[string, unknown]> = [
    ['a number', 12345],
    ['a negative number', -1],
    ['a fraction', 1.5],
    ['a huge number', 1e308],
    ['true', true],
    ['null', null],
    ['an array', ['x', 1]],
    ['an object', { x: 'y' }],
    ['a string', 'not the right type'],
  ];
  const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  const out = all.filter(([, v]) => kind(v) !== kind(valid));
  // A field that is a number gets out-of-range numbers of its own type too.
  if (typeof valid === 'number') out.push(['a negative number', -1], ['a fraction', 1.5], ['a huge number', 1e308]);
  out.push(['1 MB of text', 'z'.repeat(1024 * 1024 + 10)], ['2,000 levels of nesting', nested(2000)]);
  return out;
}

type Variant = { label: string; built: Built; opts?: SendOptions; mustFail: boolean };

const JSON_TYPE = { 'content-type': 'application/json' };

function bodyVariants(b: Built): Variant[] {
  const out: Variant[] = [];
  const hasBody = b.json !== undefined || b.form !== undefined;
  const raw = (label: string, body: string, headers: Record<string, string>, mustFail: boolean) =>
    out.push({ label, built: { ...b, json: undefined, form: undefined }, opts: { body, headers }, mustFail });
  raw('broken JSON', '{"name": "x", ', JSON_TYPE, true);
  raw('a JSON string body', '"just a string"', JSON_TYPE, true);
  raw('a JSON null body', 'null', JSON_TYPE, true);
  raw('a JSON array body', '[1, 2, {"a": [3]}]', JSON_TYPE, hasBody);
  raw('100,000 levels of nesting', `${'['.repeat(100_000)}${']'.repeat(100_000)}`, JSON_TYPE, hasBody);
  raw('prototype pollution', '{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}}', JSON_TYPE, hasBody);
  raw('text/plain', 'hello', { 'content-type': 'text/plain' }, hasBody);
  if (b.json !== undefined && typeof b.json === 'object' && b.json !== null) {
    const json = b.json as Record<string, unknown>;
    for (const [field, valid] of Object.entries(json)) {
      for (const [what, value] of wrongValues(valid)) {
        out.push({ label: `${field} = ${what}`, built: { ...b, json: { ...json, [field]: value } }, mustFail: true });
      }
      if (typeof valid === 'string') {
        for (const [what, value] of Object.entries(HOSTILE_STRINGS)) {
          out.push({ label: `${field} = ${what}`, built: { ...b, json: { ...json, [field]: value } }, mustFail: false });
        }
      }
      const without = { ...json };
      delete without[field];
      out.push({ label: `without ${field}`, built: { ...b, json: without }, mustFail: false });
    }
    out.push({ label: 'an extra unknown field', built: { ...b, json: { ...json, unknown_field: { deep: nested(50) } } }, mustFail: false });
  }
  return out;
}

/** Refusals of the body parsers: the same for every route, so sent to one route of each kind. */
function transportVariants(b: Built): Variant[] {
  const hasBody = b.json !== undefined || b.form !== undefined;
  const raw = (label: string, body: string, headers: Record<string, string>, mustFail = true): Variant => ({
    label,
    built: { ...b, json: undefined, form: undefined },
    opts: { body, headers },
    mustFail,
  });
  return [
    raw('a JSON number body', '42', JSON_TYPE),
    raw('1.5 MB of JSON', JSON.stringify({ pad: 'p'.repeat(1_500_000) }), JSON_TYPE),
    raw('a form-encoded body', 'name=x&__proto__[polluted]=yes', { 'content-type': 'application/x-www-form-urlencoded' }, hasBody),
    raw('an unknown charset', '{}', { 'content-type': 'application/json; charset=utf-42' }),
    raw('a latin1 charset', '{"name": "caf\u00e9"}', { 'content-type': 'application/json; charset=latin1' }),
    raw('a gzip body that is not gzip', 'not gzip at all', { ...JSON_TYPE, 'content-encoding': 'gzip' }),
    raw('a deflate body that is not deflate', 'not deflate', { ...JSON_TYPE, 'content-encoding': 'deflate' }),
    raw('a brotli body that is not brotli', 'not brotli', { ...JSON_TYPE, 'content-encoding': 'br' }),
    raw('an unknown content encoding', '{}', { ...JSON_TYPE, 'content-encoding': 'x-unknown' }),
    raw('a multipart body without boundary', '--x\r\n', { 'content-type': 'multipart/form-data' }, hasBody),
    raw('a multipart body cut off', '--B\r\nContent-Disposition: form-data; name="file"; filename="a.apkg"\r\n\r\nPK\u0003\u0004', { 'content-type': 'multipart/form-data; boundary=B' }, hasBody),
  ];
}

function queryVariants(b: Built): Variant[] {
  const out: Variant[] = [];
  const base = new URLSearchParams(b.query ?? {});
  const rawQuery = (label: string, q: string, mustFail: boolean) => out.push({ label, built: b, opts: { rawQuery: q }, mustFail });
  rawQuery('junk query parameters', `${base.toString()}&__proto__[polluted]=yes&constructor[prototype][polluted]=yes&zzz=%00`, false);
  rawQuery('a malformed percent-encoding in the query', `${base.toString()}&x=%E0%A4%A&y=%`, false);
  for (const [key, valid] of Object.entries(b.query ?? {})) {
    const numeric = /^\d+$/.test(valid);
    const others = Object.entries(b.query ?? {}).filter(([k]) => k !== key);
    const q = (value: string) => new URLSearchParams([...others, [key, value]]).toString();
    for (const [what, value] of Object.entries(HOSTILE_STRINGS)) {
      if (what === '10k characters') continue; // URLs stay below the 16 KiB header limit of Node
      out.push({ label: `?${key} = ${what}`, built: b, opts: { rawQuery: q(value) }, mustFail: numeric });
    }
    for (const value of ['abc', '-1', '1e400', '99999999999999999999', '1.5']) {
      out.push({ label: `?${key} = "${value}"`, built: b, opts: { rawQuery: q(value) }, mustFail: numeric });
    }
    for (const value of ['0x10', ' 1', '']) out.push({ label: `?${key} = "${value}"`, built: b, opts: { rawQuery: q(value) }, mustFail: false });
    rawQuery(`?${key} repeated`, `${q(valid)}&${encodeURIComponent(key)}=${encodeURIComponent(valid)}`, false);
    rawQuery(`?${key}[] as an array`, `${new URLSearchParams(others).toString()}&${encodeURIComponent(key)}[]=${encodeURIComponent(valid)}`, false);
    rawQuery(`?${key} with a malformed escape`, `${new URLSearchParams(others).toString()}&${encodeURIComponent(key)}=%E0%A4%A`, numeric);
    rawQuery(`?${key} of 8,000 characters`, q('q'.repeat(8000)), numeric);
  }
  return out;
}

const MARK = 'PARAM-PLACEHOLDER';
/** The hostile strings tried in path params (the others are tried in bodies and queries). */
const PARAM_STRINGS = ['SQL quote', 'path traversal', 'windows path', 'NUL byte', 'unicode', 'CRLF injection', 'percent escapes'];

function paramVariants(pattern: string, b: Built): Variant[] {
  const out: Variant[] = [];
  for (const name of pathParams(pattern)) {
    const encoded: Array<[string, string]> = [
      ['not an id', 'not-a-uuid'],
      ['an unknown UUID', '00000000-0000-4000-8000-000000000000'],
      ['an upper-case UUID', 'FFFFFFFF-FFFF-4FFF-BFFF-FFFFFFFFFFFF'],
      ['3,000 characters', 'i'.repeat(3000)],
      ...PARAM_STRINGS.map((what): [string, string] => [what, HOSTILE_STRINGS[what]]),
    ];
    for (const [what, value] of encoded) out.push({ label: `:${name} = ${what}`, built: { ...b, params: { ...b.params, [name]: value } }, mustFail: true });
    const withRaw = fillPath(pattern, { ...b.params, [name]: MARK });
    for (const raw of ['%E0%A4%A', '%', '%ED%A0%80', '%2e%2e%2f%2e%2e%2fetc%2fpasswd', '%00', '%C0%AE%C0%AE']) {
      out.push({ label: `:${name} = raw ${raw}`, built: b, opts: { rawPath: withRaw.replace(MARK, raw) }, mustFail: true });
    }
  }
  return out;
}

function headerVariants(): Variant[] {
  const headers: Array<[string, Record<string, string>]> = [
    ['a malformed cookie', { cookie: 'pixell_session=%E0%A4%A' }],
    ['a cookie of 8 KB', { cookie: `pixell_session=${'c'.repeat(8000)}` }],
    ['cookie SQL', { cookie: "pixell_session=' OR '1'='1" }],
    ['many cookies', { cookie: Array.from({ length: 200 }, (_, i) => `c${i}=${i}`).join('; ') }],
    ['Authorization SQL', { authorization: "Bearer ' OR '1'='1" }],
    ['Authorization API-key prefix with SQL', { authorization: "Bearer pac_' OR 1=1 --" }],
    ['Authorization with a NUL escape', { authorization: 'Bearer pac_%00' }],
    ['an odd X-Request-Id', { 'x-request-id': '../../etc/passwd\'"<>' }],
    ['X-Forwarded-For junk', { 'x-forwarded-for': "' OR 1=1, 999.999.999.999, ::ffff:zz" }],
    ['Range junk', { range: 'bytes=-0-999999999999999999999' }],
    ['an absurd Accept', { accept: '*/*;q=abc, text/html;level=%00' }],
  ];
  return headers.map(([label, h]) => ({ label, built: {}, opts: { headers: h }, mustFail: false }));
}

// --- the sweep ---------------------------------------------------------------------------------

async function actorOf(spec: RouteSpec): Promise<Credentials> {
  if (isOpen(spec)) return {};
  return credentialsOf(w, w.a.owner, spec, viasOf(spec)[0]);
}

/** What is wrong with an answer to a fuzzed request (nothing: an empty list). */
function problems(res: TestResponse, label: string, mustFail: boolean): string[] {
  const ctx = `${label}: ${res.status} ${res.text.slice(0, 160)}`;
  if (res.status >= 500) return [`5xx for ${ctx}`];
  if (mustFail && res.status < 400) return [`accepted ${ctx}`];
  if (res.status >= 400 && res.text) {
    try {
      expectErrorShape(res);
    } catch {
      return [`not the error shape: ${ctx}`];
    }
  }
  return [];
}

/** Sends the variants, a few at a time, and lists the problems of the answers. */
async function sendAll(method: string, path: string, spec: RouteSpec, variants: Variant[]): Promise<string[]> {
  const found: string[] = [];
  const queue = [...variants];
  const worker = async () => {
    for (let v = queue.shift(); v; v = queue.shift()) {
      // Routes that end the sender's session get a fresh one for every request.
      const res = await send(t, method, path, v.built, await actorOf(spec), v.opts);
      found.push(...problems(res, v.label, v.mustFail));
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  return found.sort();
}

describe('input fuzzing: never a 5xx, every 4xx in the error shape', () => {
  for (const [key, spec] of Object.entries(ROUTES)) {
    const { method, path } = splitKey(key);
    it(key, async () => {
      const built = await spec.build(w, w.a);
      const variants = [
        ...(method === 'GET' ? [] : bodyVariants(built)),
        ...queryVariants(built),
        ...paramVariants(path, built),
      ];
      const found = await sendAll(method, path, spec, variants);
      expect(found).toEqual([]);
    });
  }

  it('bodies the parsers refuse (compression, charset, size, multipart) on one route of each kind', async () => {
    const found: string[] = [];
    for (const key of ['POST /api/agent-apps', 'PATCH /api/agent-apps/:id', 'DELETE /api/api-keys/:id', 'POST /api/agent-apps/:id/packages/deploy', 'POST /api/stripe/webhook', 'POST /api/auth/login']) {
      const spec = ROUTES[key];
      const { method, path } = splitKey(key);
      const built = await spec.build(w, w.a);
      found.push(...(await sendAll(method, path, spec, transportVariants(built))));
    }
    expect(found).toEqual([]);
  });

  it('hostile headers on a few routes', async () => {
    const found: string[] = [];
    for (const key of ['GET /api/organizations/current', 'POST /api/agent-apps', 'GET /api/health', 'GET /api/storage/download', 'POST /api/auth/login']) {
      const spec = ROUTES[key];
      const { method, path } = splitKey(key);
      const built = await spec.build(w, w.a);
      for (const v of headerVariants()) {
        const res = await send(t, method, path, built, {}, v.opts);
        found.push(...problems(res, `${key} with ${v.label}`, false));
      }
    }
    expect(found).toEqual([]);
  });

  it('SQL and path metacharacters are stored literally', async () => {
    for (const value of [HOSTILE_STRINGS['SQL quote'], HOSTILE_STRINGS['SQL comment'], HOSTILE_STRINGS['path traversal'], HOSTILE_STRINGS.unicode]) {
      const created = await t.request('/api/agent-apps', { method: 'POST', token: w.b.owner.token, json: { name: value.slice(0, 100), description: value } });
      expect(created.status).toBe(201);
      const got = await t.request(`/api/agent-apps/${created.body.app.id}`, { token: w.b.owner.token });
      expect(got.body.app.name).toBe(value.slice(0, 100).trim());
      expect(got.body.app.description).toBe(value.trim());
    }
    // The same values through the dashboard's procedures: stored or refused with a 4xx, never a 5xx.
    for (const value of Object.values(HOSTILE_STRINGS)) {
      const res = await t.request('/api/trpc/apps.create', { method: 'POST', token: w.b.owner.token, json: superjson.serialize({ name: `trpc ${value}`.slice(0, 100) }) });
      expect(res.status, value.slice(0, 20)).toBeLessThan(500);
    }
  });
});

describe('after the fuzzing', () => {
  it('the server is healthy, answered no 5xx, logged no failed request, and no prototype was polluted', async () => {
    expect(answered.length).toBeGreaterThan(2000);
    expect(answered.filter((a) => a.status >= 500)).toEqual([]);
    expect(failedRequestLogs(t)).toEqual([]);
    expect((await t.request('/api/health')).status).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(await fingerprint(t))).toEqual(expect.arrayContaining(['users', 'organizations', 'api_keys', 'agent_apps']));
    expect((await t.request('/api/organizations/current', { token: w.a.owner.key })).status).toBe(200);
  });
});
