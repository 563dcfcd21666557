// Issue 5 §3 — secrets: API keys, session and refresh tokens, passwords, email and invitation tokens,
// webhook signing secrets, deploy-time environment overrides and the server's own shared secrets
// (cron, metrics, Stripe) go through every path that handles them — creation, use, rotation,
// revocation, refusal (bad JSON, bad encodings, bad signatures, validation errors that carry them) —
// with logging at trace level. Then the captured log lines, every response other than the one that
// creates a value (and the development mail outbox, whose mails carry links by design), and every
// stored row are searched for each value (raw, JSON-escaped, and its tail). The creation responses
// are the positive control: the search does find the values where they are meant to be.
import zlib from 'node:zlib';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../../db/client.ts';
import { uniqueEmail, type RequestOptions, type TestApp, type TestResponse } from '../harness.ts';
import { CRON_SECRET, METRICS_TOKEN, STRIPE_WEBHOOK_SECRET, apkgForm, archive, makeWorld, startSecurityApp, type World } from './world.ts';

let t: TestApp;
let w: World;

beforeAll(async () => {
  t = await startSecurityApp({ LOG_LEVEL: 'trace' });
  w = await makeWorld(t);
});
afterAll(() => t.close());

type Seen = { label: string; text: string };
/** Responses that must not hold any value. */
const responses: Seen[] = [];
/** Responses that create a value (shown once): the positive control. */
const creations: Seen[] = [];
/** label → value. Values marked `logsOnly` are legitimately returned by later responses too. */
const secrets = new Map<string, { value: string; logsOnly: boolean }>();

const remember = (label: string, value: string, logsOnly = false) => {
  expect(typeof value, label).toBe('string');
  expect(value.length, label).toBeGreaterThanOrEqual(12);
  secrets.set(label, { value, logsOnly });
  return value;
};

const run = Date.now().toString(36);
const canary = (name: string) => remember(name, `Canary-${name}-${run}-Zq9`);

/** t.request that records the response (headers and body). */
async function call(label: string, path: string, init: RequestOptions = {}, creates = false): Promise<TestResponse> {
  const res = await t.request(path, init);
  const seen = { label: `${label} → ${res.status}`, text: `${JSON.stringify(Object.fromEntries(res.headers))}\n${res.text}` };
  (creates ? creations : responses).push(seen);
  return res;
}

/** The token of the last mail to `to` whose link contains `path` (read from the dev outbox; not recorded). */
async function mailedToken(to: string, path: string): Promise<string> {
  const out = await t.request('/api/dev/outbox');
  const mail = (out.body.messages as Array<{ to: string; text: string }>).filter((m) => m.to === to && m.text.includes(path)).at(-1);
  const m = mail && /token=([^\s&"]+)/.exec(mail.text);
  if (!m) throw new Error(`no ${path} mail to ${to}`);
  return decodeURIComponent(m[1]);
}

function needles(value: string): string[] {
  return [...new Set([value, JSON.stringify(value).slice(1, -1), value.slice(-24)])];
}

function leaks(haystacks: Seen[], logsToo: boolean): string[] {
  const found: string[] = [];
  for (const [label, { value, logsOnly }] of secrets) {
    if (logsOnly && !logsToo) continue;
    for (const h of haystacks) for (const n of needles(value)) if (h.text.includes(n)) found.push(`${h.label} contains ${label}`);
  }
  return [...new Set(found)];
}

describe('secrets never appear in logs, responses after creation, error messages or stored rows', () => {
  it('runs every path that handles a secret', async () => {
    // Sign-up, email verification, login, refresh, password reset.
    const email = uniqueEmail('leak');
    const password = canary('password');
    expect((await call('signup', '/api/auth/signup', { method: 'POST', json: { email, password, organizationName: 'Leak Org' } })).status).toBe(201);
    const verifyToken = remember('verification token', await mailedToken(email, '/verify-email'));
    expect((await call('verify', '/api/auth/verify-email', { method: 'POST', json: { token: verifyToken } })).status).toBe(200);
    expect((await call('verify again', '/api/auth/verify-email', { method: 'POST', json: { token: verifyToken } })).status).toBe(400);
    expect((await call('login (wrong password)', '/api/auth/login', { method: 'POST', json: { email, password: canary('wrong-password') } })).status).toBe(401);
    const login = await call('login', '/api/auth/login', { method: 'POST', json: { email, password } }, true);
    expect(login.status).toBe(200);
    const access = remember('access token', login.body.session.access_token);
    const refresh = remember('refresh token', login.body.session.refresh_token);
    const refreshed = await call('refresh', '/api/auth/refresh', { method: 'POST', json: { refresh_token: refresh } }, true);
    expect(refreshed.status).toBe(200);
    remember('refreshed access token', refreshed.body.session.access_token);
    remember('refreshed refresh token', refreshed.body.session.refresh_token);
    expect((await call('refresh reused', '/api/auth/refresh', { method: 'POST', json: { refresh_token: refresh } })).status).toBe(401);
    await call('session (cookie)', '/api/auth/session', { cookie: refreshed.body.session.access_token });
    await call('session (old token)', '/api/auth/session', { token: access });
    expect((await call('forgot', '/api/auth/forgot-password', { method: 'POST', json: { email } })).status).toBe(200);
    const resetToken = remember('reset token', await mailedToken(email, '/reset-password'));
    const newPassword = canary('new-password');
    expect((await call('reset (weak)', '/api/auth/reset-password', { method: 'POST', json: { token: resetToken, password: 'short' } })).status).toBe(400);
    expect((await call('reset', '/api/auth/reset-password', { method: 'POST', json: { token: resetToken, password: newPassword } })).status).toBe(200);
    const relogin = await call('login (new password)', '/api/auth/login', { method: 'POST', json: { email, password: newPassword } }, true);
    const session = remember('session after reset', relogin.body.session.access_token);
    remember('refresh after reset', relogin.body.session.refresh_token);

    // API keys: creation (shown once), use, rotation, deletion, and refusal of the dead ones.
    const created = await call('create key', '/api/api-keys', { method: 'POST', token: session, json: { name: 'leak key' } }, true);
    const key = remember('API key', created.body.apiKey.key);
    await call('list keys', '/api/api-keys', { token: key });
    const rotated = await call('rotate key', `/api/api-keys/${created.body.apiKey.id}/rotate`, { method: 'POST', token: session }, true);
    const newKey = remember('rotated API key', rotated.body.apiKey.key);
    expect((await call('old key', '/api/organizations/current', { token: key })).status).toBe(401);
    expect((await call('old key (cookie)', '/api/organizations/current', { cookie: key })).status).toBe(401);
    await call('list keys after rotation', '/api/api-keys', { token: newKey });
    remember('fixture API key', w.a.owner.key);
    remember('fixture session', w.a.owner.token);
    await call('org with fixture key', '/api/organizations/current', { token: w.a.owner.key });
    await call('members with fixture session', '/api/organizations/members', { cookie: w.a.owner.token });
    expect((await call('made-up key', '/api/api-keys', { token: `pac_${canary('made-up-key')}` })).status).toBe(401);
    expect((await call('made-up session', '/api/api-keys', { token: canary('made-up-session') })).status).toBe(401);

    // Webhook signing secrets: chosen (never echoed) and generated (shown once).
    const app = (await call('create app', '/api/agent-apps', { method: 'POST', token: newKey, json: { name: 'Leak app' } })).body.app.id as string;
    const chosen = canary('chosen-webhook-secret');
    const hooks = `/api/agent-apps/${app}/webhooks`;
    const chosenHook = await call('webhook (chosen secret)', hooks, { method: 'POST', token: newKey, json: { url: 'http://127.0.0.1:9/a', events: ['deployment.completed'], secret: chosen } });
    expect(chosenHook.status).toBe(201);
    const generatedHook = await call('webhook (generated secret)', hooks, { method: 'POST', token: newKey, json: { url: 'http://127.0.0.1:9/b', events: ['deployment.completed'] } }, true);
    remember('generated webhook secret', generatedHook.body.webhook.secret);
    const badSecret = `${canary('bad-webhook-secret')} with spaces`;
    expect((await call('webhook (bad secret)', hooks, { method: 'POST', token: newKey, json: { url: 'http://127.0.0.1:9/c', events: ['deployment.completed'], secret: badSecret } })).status).toBe(400);
    expect((await call('webhook (bad url)', hooks, { method: 'POST', token: newKey, json: { url: 'ftp://x', events: ['deployment.completed'], secret: chosen } })).status).toBe(400);
    await call('list webhooks', hooks, { token: newKey });
    await call('patch webhook', `${hooks}/${chosenHook.body.webhook.id}`, { method: 'PATCH', token: newKey, json: { events: ['deployment.completed', 'deployment.failed'] } });
    const test = await call('test webhook', `${hooks}/${chosenHook.body.webhook.id}/test`, { method: 'POST', token: newKey });
    expect(test.status).toBe(202);
    await call('deliveries', `${hooks}/${chosenHook.body.webhook.id}/deliveries`, { token: newKey });

    // Deploy-time environment overrides: accepted, refused, deployed, rolled back.
    const envValue = canary('env-override');
    const file = await archive();
    const deploy = (environment: Record<string, string>) =>
      call('deploy', `/api/agent-apps/${app}/packages/deploy`, { method: 'POST', token: newKey, body: apkgForm(file, { environment: JSON.stringify(environment) }) });
    const bad = await deploy({ GOOD: envValue, 'BAD NAME': canary('env-under-bad-name') });
    expect(bad.status).toBe(400);
    const ok = await deploy({ LEAK_ENV: envValue });
    expect(ok.status).toBe(202);
    const cron = await call('cron', '/api/cron/process-deployments', { method: 'POST', headers: { 'x-cron-secret': CRON_SECRET } });
    expect(cron.body.status).toBe('completed');
    const deploymentId = ok.body.deployment.id as string;
    await call('deployment', `/api/deployments/${deploymentId}`, { token: newKey });
    const logs = await call('deployment logs', `/api/deployments/${deploymentId}/logs`, { token: newKey });
    expect(logs.text).toContain('LEAK_ENV'); // the name is logged, not the value
    const rollback = await call('rollback', `/api/agent-apps/${app}/rollback`, { method: 'POST', token: newKey, json: { version: '1.0.0' } });
    expect(rollback.status).toBe(202);
    await call('cron (rollback)', '/api/cron/process-deployments', { method: 'POST', headers: { 'x-cron-secret': CRON_SECRET } });
    await call('app', `/api/agent-apps/${app}`, { token: newKey });
    await call('deployments', `/api/deployments?app_id=${app}`, { token: newKey });

    // Invitations: the mailed token, its page, and the account it creates.
    const invitee = uniqueEmail('leak-invitee');
    expect((await call('invite', '/api/organizations/members', { method: 'POST', token: session, json: { email: invitee, role: 'member' } })).status).toBe(201);
    const invitationToken = remember('invitation token', await mailedToken(invitee, '/accept-invitation'));
    await call('invitation page', `/api/invitations/${encodeURIComponent(invitationToken)}`);
    const accepted = await call('accept', '/api/invitations/accept', { method: 'POST', json: { token: invitationToken, password: canary('invitee-password') } }, true);
    expect(accepted.status).toBe(200);
    remember('invitee session', accepted.body.session.access_token);
    await call('invitations', '/api/organizations/invitations', { token: session });
    await call('members', '/api/organizations/members', { token: session });

    // Refusals that carry a secret in the request.
    const carried = canary('in-a-broken-body');
    await call('broken JSON', '/api/api-keys', { method: 'POST', token: session, body: `{"name": "${carried}`, headers: { 'content-type': 'application/json' } });
    await call('bad gzip', '/api/api-keys', { method: 'POST', token: session, body: `{"name": "${carried}"}`, headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } });
    await call('truncated gzip', '/api/api-keys', {
      method: 'POST',
      token: session,
      body: new Uint8Array(zlib.gzipSync(JSON.stringify({ name: carried })).subarray(0, 20)),
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    });
    await call('NUL in a field', '/api/api-keys', { method: 'POST', token: session, json: { name: `${carried}\u0000` } });
    await call('Stripe (bad signature)', '/api/stripe/webhook', { method: 'POST', body: '{}', headers: { 'stripe-signature': `t=1,v1=${canary('stripe-signature')}` } });
    await call('cron (wrong secret)', '/api/cron/process-deployments', { method: 'POST', headers: { 'x-cron-secret': canary('wrong-cron-secret') } });
    await call('metrics (wrong token)', '/metrics', { token: canary('wrong-metrics-token') });
    await call('metrics', '/metrics', { token: METRICS_TOKEN });
    remember('cron secret', CRON_SECRET);
    remember('metrics token', METRICS_TOKEN);
    remember('Stripe webhook secret', STRIPE_WEBHOOK_SECRET);

    // A signed download link: the signature must not be logged when the link is used.
    const exported = await call('export', '/api/usage/export', { method: 'POST', token: session, json: { format: 'csv', startDate: '2024-01-01', endDate: '2024-01-02' } }, true);
    const link = new URL(exported.body.downloadUrl);
    remember('download signature', link.searchParams.get('sig')!, true);
    expect((await t.request(`${link.pathname}${link.search}`)).status).toBe(200);

    // Reads of everything that could quote a secret.
    for (const path of ['/api/audit-logs?limit=200', '/api/credits/history', '/api/usage/activity', '/api/agent-apps', '/api/auth/session', '/api/organizations/current']) {
      expect((await call(`read ${path}`, path, { token: session })).status).toBe(200);
    }
    // Logging out ends the sessions; using them afterwards is refused without echoing them.
    expect((await call('logout', '/api/auth/logout', { method: 'POST', token: session })).status).toBe(200);
    expect((await call('after logout', '/api/auth/session', { token: session })).status).toBe(401);
  });

  it('finds none of the values in the logs', () => {
    expect(t.logs.length).toBeGreaterThan(50);
    expect(t.services.log.level).toBe('trace');
    expect(t.logs.some((l) => l.includes('Stripe webhook refused'))).toBe(true); // refusals are logged (without the values)
    expect(leaks([{ label: 'log lines', text: t.logs.join('') }], true)).toEqual([]);
  });

  it('finds none of the values in responses other than their creation, nor in error messages', () => {
    expect(responses.length).toBeGreaterThan(50);
    expect(leaks(responses, false)).toEqual([]);
    // Positive control: the creation responses do show their values.
    const shown = leaks(creations, false);
    for (const label of ['API key', 'rotated API key', 'access token', 'refresh token', 'generated webhook secret', 'invitee session']) {
      expect(shown.some((s) => s.endsWith(` ${label}`)), label).toBe(true);
    }
  });

  it('finds none of the values in stored rows (hashed or encrypted at rest)', async () => {
    const tables = await queryRows<{ table_name: string }>(t.db, sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`);
    const dump: Seen[] = [];
    for (const { table_name: name } of tables) {
      if (name === 'mail_outbox') continue; // development mail store: its mails carry the links by design
      const rows = await queryRows<{ j: string }>(t.db, sql.raw(`select row_to_json(x)::text as j from "${name}" x`));
      dump.push({ label: `table ${name}`, text: rows.map((r) => r.j).join('\n') });
    }
    expect(dump.map((d) => d.label)).toEqual(expect.arrayContaining(['table api_keys', 'table sessions', 'table webhooks', 'table deployments', 'table audit_logs']));
    expect(leaks(dump, true)).toEqual([]);
  });
});
