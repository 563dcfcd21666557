// The shared setting of the security sweeps: two organizations (A and B) with an owner, an admin and
// a member each (a session and an API key for every one of them), factories that create fresh
// resources of an organization through the REST API, a request sender that knows about route
// patterns, multipart forms and event streams, and a fingerprint of the whole database (and of the
// stored objects) to prove that a refused request changed nothing.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { queryRows } from '../../../db/client.ts';
import { invitations, type Role } from '../../../db/schema/index.ts';
import { buildApkg } from '../../apkg/testing/build-apkg.ts';
import { issueEmailToken } from '../../domain/auth/email-tokens.ts';
import { createUserSession } from '../../domain/auth/session-store.ts';
import { randomToken, sha256Hex } from '../../domain/tokens.ts';
import { createApiKeyFixture, createUserFixture, startTestApp, uniqueEmail, type Fixture, type TestApp, type TestResponse } from '../harness.ts';
import { fillPath } from '../route-inventory.ts';

export const CRON_SECRET = 'security-suite-cron-secret';
export const METRICS_TOKEN = 'security-suite-metrics-token';
export const STRIPE_WEBHOOK_SECRET = 'whsec_security_suite_stripe_secret';
export const FOREIGN_ORIGIN = 'https://evil.example';

/** The app of a security test file: no background workers, limits high enough for sweeps. */
export function startSecurityApp(env: Record<string, string> = {}): Promise<TestApp> {
  return startTestApp({
    RATE_LIMIT_AUTHENTICATED_PER_HOUR: '10000000',
    RATE_LIMIT_ANONYMOUS_PER_HOUR: '10000000',
    LOGIN_MAX_FAILURES: '100000',
    DEPLOYMENT_WORKER: 'off',
    CRON_SECRET,
    METRICS_TOKEN,
    STRIPE_WEBHOOK_SECRET,
    WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
    ...env,
  });
}

export type Person = Fixture & { key: string; keyId: string };
export type Team = { name: string; orgId: string; owner: Person; admin: Person; member: Person };
export type World = { t: TestApp; a: Team; b: Team };
export const ROLES: Role[] = ['owner', 'admin', 'member'];

async function person(t: TestApp, f: Fixture): Promise<Person> {
  const k = await createApiKeyFixture(t, f, `${f.role} key`);
  return { ...f, key: k.key, keyId: k.id };
}

export async function makeTeam(t: TestApp, name: string): Promise<Team> {
  const owner = await createUserFixture(t, { orgName: name, credits: 1_000_000 });
  const admin = await createUserFixture(t, { orgId: owner.orgId, role: 'admin' });
  const member = await createUserFixture(t, { orgId: owner.orgId, role: 'member' });
  return { name, orgId: owner.orgId, owner: await person(t, owner), admin: await person(t, admin), member: await person(t, member) };
}

export async function makeWorld(t: TestApp): Promise<World> {
  return { t, a: await makeTeam(t, 'Org A'), b: await makeTeam(t, 'Org B') };
}

// ---------------------------------------------------------------------------------------------
// Requests

/** A request of a route, without the actor: path params, query, and a JSON body or a form. */
export type Built = {
  params?: Record<string, string>;
  query?: Record<string, string>;
  json?: unknown;
  form?: () => Promise<FormData>;
  headers?: Record<string, string>;
};

/** Who sends it: a Bearer token (API key or session), the session cookie, or nobody. */
export type Credentials = { bearer?: string; cookie?: string };

export type SendOptions = {
  headers?: Record<string, string>;
  /** A raw body instead of `built.json` / `built.form`. */
  body?: BodyInit;
  /** The path as is (for malformed encodings that fillPath would escape). */
  rawPath?: string;
  /** A raw query string (without `?`) instead of `built.query`. */
  rawQuery?: string;
};

/** Every response of a test file, for the "no 5xx was ever answered" checks. */
export const answered: Array<{ label: string; status: number }> = [];

export function urlOf(pattern: string, built: Built, opts: SendOptions = {}): string {
  const p = opts.rawPath ?? fillPath(pattern, built.params ?? {});
  const q = opts.rawQuery ?? (built.query ? new URLSearchParams(built.query).toString() : '');
  return q ? `${p}?${q}` : p;
}

/**
 * Sends `method pattern` with `built` as `creds`. Event streams are not read: their status and
 * headers are returned and the connection is closed.
 */
export async function send(t: TestApp, method: string, pattern: string, built: Built, creds: Credentials = {}, opts: SendOptions = {}): Promise<TestResponse> {
  const headers: Record<string, string> = { ...built.headers, ...opts.headers };
  if (creds.bearer) headers.authorization = `Bearer ${creds.bearer}`;
  if (creds.cookie) headers.cookie = `pixell_session=${creds.cookie}`;
  let body: BodyInit | undefined = opts.body;
  if (body === undefined && built.form) body = await built.form();
  else if (body === undefined && built.json !== undefined) {
    body = JSON.stringify(built.json);
    headers['content-type'] ??= 'application/json';
  }
  const url = urlOf(pattern, built, opts);
  const abort = new AbortController();
  const res = await fetch(t.baseUrl + url, { method, headers, body: method === 'GET' || method === 'HEAD' ? undefined : body, redirect: 'manual', signal: abort.signal });
  let text = '';
  if ((res.headers.get('content-type') ?? '').startsWith('text/event-stream')) abort.abort();
  else text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  answered.push({ label: `${method} ${url.slice(0, 200)}`, status: res.status });
  return { status: res.status, headers: res.headers, body: parsed, text };
}

/** The documented error body: `{error, code, details?}` and nothing else. */
export function expectErrorShape(res: TestResponse, code?: string): void {
  const ctx = `${res.status} ${res.text.slice(0, 300)}`;
  expect(res.body, ctx).toBeTypeOf('object');
  expect(res.body, ctx).not.toBeNull();
  expect(typeof res.body.error, ctx).toBe('string');
  expect(typeof res.body.code, ctx).toBe('string');
  // 402 carries its documented `required`/`available` beside the error.
  const allowed = res.body.code === 'INSUFFICIENT_CREDITS' ? ['error', 'code', 'details', 'required', 'available'] : ['error', 'code', 'details'];
  expect(Object.keys(res.body).filter((k) => !allowed.includes(k)), ctx).toEqual([]);
  if (code) expect(res.body.code, ctx).toBe(code);
}

// ---------------------------------------------------------------------------------------------
// Factories: fresh resources of a team, created through the API by its owner.

async function must(res: Promise<TestResponse>, status: number, what: string): Promise<any> {
  const r = await res;
  if (r.status !== status) throw new Error(`fixture ${what}: expected ${status}, got ${r.status} ${r.text.slice(0, 300)}`);
  return r.body;
}

const api = (w: World, team: Team, method: string, url: string, init: { json?: unknown; body?: BodyInit; headers?: Record<string, string> } = {}) =>
  w.t.request(url, { method, token: team.owner.token, ...init });

const archives = new Map<string, Promise<Buffer>>();
export function archive(version = '1.0.0'): Promise<Buffer> {
  if (!archives.has(version)) archives.set(version, buildApkg({ version }));
  return archives.get(version)!;
}

export function apkgForm(file: Buffer | Uint8Array, fields: Record<string, string> = {}): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  f.append('file', new Blob([new Uint8Array(file)], { type: 'application/octet-stream' }), 'agent.apkg');
  return f;
}

let seq = 0;
export const unique = (prefix: string) => `${prefix}-${++seq}`;

export async function newApp(w: World, team: Team): Promise<string> {
  return (await must(api(w, team, 'POST', '/api/agent-apps', { json: { name: unique('app') } }), 201, 'app')).app.id;
}

export async function newPackage(w: World, team: Team, appId?: string): Promise<{ appId: string; packageId: string }> {
  const app = appId ?? (await newApp(w, team));
  const body = await must(api(w, team, 'POST', `/api/agent-apps/${app}/packages`, { body: apkgForm(await archive()) }), 201, 'package');
  return { appId: app, packageId: body.package.id };
}

/** A queued deployment (no worker runs in these tests). */
export async function newDeployment(w: World, team: Team): Promise<{ appId: string; deploymentId: string; packageId: string }> {
  const app = await newApp(w, team);
  const body = await must(api(w, team, 'POST', `/api/agent-apps/${app}/packages/deploy`, { body: apkgForm(await archive()) }), 202, 'deployment');
  return { appId: app, deploymentId: body.deployment.id, packageId: body.package.id };
}

export async function newWebhook(w: World, team: Team): Promise<{ appId: string; webhookId: string }> {
  const app = await newApp(w, team);
  const body = await must(
    api(w, team, 'POST', `/api/agent-apps/${app}/webhooks`, { json: { url: 'http://127.0.0.1:9/hook', events: ['deployment.completed'] } }),
    201,
    'webhook',
  );
  return { appId: app, webhookId: body.webhook.id };
}

export async function newDelivery(w: World, team: Team): Promise<{ appId: string; webhookId: string; deliveryId: string }> {
  const h = await newWebhook(w, team);
  const body = await must(api(w, team, 'POST', `/api/agent-apps/${h.appId}/webhooks/${h.webhookId}/test`), 202, 'delivery');
  return { ...h, deliveryId: body.delivery.id };
}

export async function newSecret(w: World, team: Team): Promise<{ appId: string; key: string }> {
  const app = await newApp(w, team);
  await must(api(w, team, 'PUT', `/api/agent-apps/${app}/secrets/SWEEP_KEY`, { json: { value: 'sweep value' } }), 200, 'secret');
  return { appId: app, key: 'SWEEP_KEY' };
}

export async function newCheckout(w: World, team: Team): Promise<string> {
  return (await must(api(w, team, 'POST', '/api/credits/topup', { json: { package: 'starter' } }), 200, 'checkout')).sessionId;
}

export async function newMember(w: World, team: Team): Promise<string> {
  return (await createUserFixture(w.t, { orgId: team.orgId, role: 'member' })).userId;
}

/** An open invitation of the team (its id and the token of its link). */
export async function newInvitation(w: World, team: Team): Promise<{ id: string; token: string; email: string }> {
  const token = randomToken();
  const email = uniqueEmail('invited');
  const [row] = await w.t.db
    .insert(invitations)
    .values({ orgId: team.orgId, email, role: 'member', tokenHash: sha256Hex(token), invitedBy: team.owner.userId, expiresAt: new Date(Date.now() + 86_400_000) })
    .returning();
  return { id: row.id, token, email };
}

/** An API key of the team created by `creator` (by default the admin: not the member's own). */
export async function newApiKey(w: World, team: Team, creator: Role = 'admin'): Promise<string> {
  return (await createApiKeyFixture(w.t, team[creator], 'target key')).id;
}

/** A new session of a user (access and refresh tokens). */
export async function newSession(t: TestApp, userId: string, orgId: string | null) {
  return createUserSession(t.db, t.services.lucia, { userId, activeOrgId: orgId, rememberMe: false, now: new Date() });
}

export async function newEmailToken(t: TestApp, userId: string, purpose: 'verify_email' | 'reset_password'): Promise<string> {
  return issueEmailToken(t.db, { userId, purpose, now: new Date() });
}

/** A stored object and its signed download link's query. */
export async function newDownload(t: TestApp): Promise<Record<string, string>> {
  const key = `sweep/${unique('object')}.txt`;
  await t.services.adapters.storage.put(key, Readable.from([Buffer.from('sweep\n')]));
  const url = new URL(await t.services.adapters.storage.signedUrl(key, { fileName: 'sweep.txt' }));
  return Object.fromEntries(url.searchParams);
}

/** A Stripe-signed event of a type the app ignores. */
export async function signedStripeEvent(): Promise<{ body: string; signature: string }> {
  const { default: Stripe } = await import('stripe');
  const body = JSON.stringify({ id: `evt_${crypto.randomBytes(8).toString('hex')}`, object: 'event', type: 'customer.created', data: { object: { id: 'cus_sweep' } } });
  return { body, signature: Stripe.webhooks.generateTestHeaderString({ payload: body, secret: STRIPE_WEBHOOK_SECRET }) };
}

// ---------------------------------------------------------------------------------------------
// "Nothing changed": a fingerprint of every table (and of the stored objects).

/** Columns that reading requests may touch: a key's last use, a session's sliding expiry. */
const VOLATILE_COLUMNS: Record<string, string[]> = { api_keys: ['last_used_at'], sessions: ['expires_at'] };
/** Rows that every request may add: rate-limit counters and the API-call counts of API-key requests. */
const VOLATILE_ROWS: Record<string, string> = {
  rate_limit_counters: 'false',
  usage_events: "type <> 'api_call'",
  usage_daily: "type <> 'api_call'",
};

export type Fingerprint = Record<string, string>;

const fingerprintSql = new WeakMap<TestApp, string>();

/** One statement: per table, its row count and an md5 of its rows (volatile parts left out). */
export async function fingerprint(t: TestApp): Promise<Fingerprint> {
  let statement = fingerprintSql.get(t);
  if (!statement) {
    const tables = await queryRows<{ table_name: string }>(
      t.db,
      sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
    );
    statement = tables
      .map(({ table_name: name }) => {
        const drop = (VOLATILE_COLUMNS[name] ?? []).map((c) => `'${c}'`).join(',');
        const where = VOLATILE_ROWS[name] ?? 'true';
        return `select '${name}' as t, count(*) as n, md5(coalesce(string_agg(j, E'\\n' order by j), '')) as h from (select (to_jsonb(x) - array[${drop}]::text[])::text as j from "${name}" x where ${where}) s`;
      })
      .join('\nunion all\n');
    fingerprintSql.set(t, statement);
  }
  const rows = await queryRows<{ t: string; n: number | string; h: string }>(t.db, sql.raw(statement));
  const out: Fingerprint = {};
  for (const r of rows) out[r.t] = `${r.n}:${r.h}`;
  out['(stored objects)'] = storedObjects(t).join('\n');
  return out;
}

/** Files under the local storage root (temporary upload files included: none may be left behind). */
export function storedObjects(t: TestApp): string[] {
  const root = path.join(t.config.dataDir, 'objects');
  const files: string[] = [];
  const walk = (d: string) => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else files.push(path.relative(root, path.join(d, e.name)));
    }
  };
  walk(root);
  return files.sort();
}

/** The tables whose fingerprint differs. */
export function changedTables(before: Fingerprint, after: Fingerprint): string[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .filter((k) => before[k] !== after[k])
    .map((k) => {
      if (k !== '(stored objects)') return k;
      const was = new Set(before[k].split('\n'));
      const now = new Set(after[k].split('\n'));
      const added = [...now].filter((f) => f && !was.has(f));
      const removed = [...was].filter((f) => f && !now.has(f));
      return `${k}: added ${JSON.stringify(added)}, removed ${JSON.stringify(removed)}`;
    });
}

/** The 'request failed' (5xx) lines the app logged. */
export function failedRequestLogs(t: TestApp): string[] {
  return t.logs.filter((l) => l.includes('"request failed"') || /"status":5\d\d/.test(l));
}
