// Secret values never leak. Every value used here (app secrets and deploy-time environment values,
// each a unique canary) goes through every path that handles them: the pixell secrets routes and the
// dashboard procedures (including failed validation), deploys, the worker, the runtime (embedded, and
// a remote PAR that echoes the request into its error), rollback, redeploy, webhooks and the audit
// log. Then the captured log lines (at trace level), every HTTP response other than the two that
// exist to return values (GET …/secrets and secrets.list for owners/admins), every webhook body
// delivered and every row of every table are searched for each value, raw and JSON-escaped.
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../db/client.ts';
import { buildApkg } from '../apkg/testing/build-apkg.ts';
import { createApiKeyFixture, createUserFixture, startTestApp, type Fixture, type RequestOptions, type TestApp, type TestResponse } from '../test/harness.ts';
import { startWebhookDeliverer, type WebhookDeliverer } from '../workers/webhook-deliverer.ts';

const CRON = 'cron-secret-for-leak-tests';
const run = crypto.randomBytes(4).toString('hex');
const canary = (name: string) => `canary-${name}-${run}`;

/** Every secret value of this suite. */
const VALUES = {
  secretA: canary('secret-a'),
  secretB: `p@ss"w0rd\\${canary('secret-b')}`, // quote and backslash: checked raw and JSON-escaped
  secretC: canary('secret-c'),
  putValue: canary('put'),
  memberValue: canary('member'),
  pasteValue: canary('paste'),
  badPasteValue: canary('bad-paste'),
  rejectedKeyValue: canary('rejected-key'),
  tooLongValue: `${canary('too-long')}${'x'.repeat(64 * 1024)}`,
  deployEnv: canary('deploy-env'),
  deployOverSecret: canary('deploy-over-secret'),
  providerValue: canary('provider'),
  remoteSecret: canary('remote-secret'),
  remoteEnv: canary('remote-env'),
};

const needlesOf = (value: string) => {
  const head = value.slice(0, 40); // long values: their distinctive start is enough
  return [...new Set([head, JSON.stringify(head).slice(1, -1)])];
};
const NEEDLES = Object.values(VALUES).flatMap(needlesOf);

type Seen = { label: string; text: string };

function findLeaks(haystacks: Seen[]): string[] {
  const leaks: string[] = [];
  for (const h of haystacks) for (const n of NEEDLES) if (h.text.includes(n)) leaks.push(`${h.label} contains ${n.slice(0, 30)}…`);
  return leaks;
}

async function startReceiver() {
  const bodies: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(`${JSON.stringify(req.headers)}\n${Buffer.concat(chunks).toString('utf8')}`);
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    bodies,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

/** A PAR that refuses every deployment with an error body quoting the whole request (env included). */
async function startEchoingRuntime() {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.writeHead(400, { 'content-type': 'application/json' });
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { env?: unknown };
      res.end(JSON.stringify({ error: `cannot deploy with env ${JSON.stringify(body.env)}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

async function dumpDatabase(t: TestApp): Promise<Seen[]> {
  const tables = await queryRows<{ table_name: string }>(t.db, sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`);
  const out: Seen[] = [];
  for (const { table_name } of tables) {
    const rows = await queryRows<{ j: string }>(t.db, sql.raw(`select row_to_json(x)::text as j from "${table_name}" x`));
    out.push({ label: `table ${table_name}`, text: rows.map((r) => r.j).join('\n') });
  }
  expect(tables.map((r) => r.table_name)).toEqual(expect.arrayContaining(['app_secrets', 'deployments', 'deployment_events', 'audit_logs', 'webhook_deliveries']));
  return out;
}

describe('secret values never appear in logs, responses, webhooks or stored rows', () => {
  let local: TestApp;
  let remote: TestApp;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let echo: Awaited<ReturnType<typeof startEchoingRuntime>>;
  let deliverer: WebhookDeliverer;
  const responses: Seen[] = [];
  /** The responses that do return values: the positive control of the search. */
  const valueResponses: Seen[] = [];

  beforeAll(async () => {
    receiver = await startReceiver();
    echo = await startEchoingRuntime();
    const common = { DEPLOYMENT_WORKER: 'off', CRON_SECRET: CRON, LOG_LEVEL: 'trace', RATE_LIMIT_AUTHENTICATED_PER_HOUR: '100000', WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' };
    local = await startTestApp({ ...common, PIXELL_SECRETS_PROVIDER: 'static', PIXELL_SECRETS_JSON: JSON.stringify({ PROVIDED: VALUES.providerValue }) });
    remote = await startTestApp({ ...common, RUNTIME_URL: echo.url, RUNTIME_POLL_INTERVAL_MS: '10' });
    deliverer = startWebhookDeliverer({ services: local.services, database: local.database, background: false, timeoutMs: 5_000 });
  });
  afterAll(async () => {
    await deliverer.stop();
    await Promise.all([local.close(), remote.close()]);
    await Promise.all([receiver.close(), echo.close()]);
  });

  /** t.request that records the response under a label (unless it is one that returns values). */
  const call = async (t: TestApp, label: string, pathname: string, init: RequestOptions = {}, returnsValues = false): Promise<TestResponse> => {
    const res = await t.request(pathname, init);
    (returnsValues ? valueResponses : responses).push({ label: `${label} (${res.status})`, text: `${JSON.stringify(Object.fromEntries(res.headers))}\n${res.text}` });
    return res;
  };
  const trpc = (t: TestApp, label: string, name: string, input: unknown, token: string, kind: 'query' | 'mutation', returnsValues = false) =>
    kind === 'query'
      ? call(t, label, `/api/trpc/${name}?input=${encodeURIComponent(JSON.stringify(superjson.serialize(input)))}`, { token }, returnsValues)
      : call(t, label, `/api/trpc/${name}`, { method: 'POST', token, json: superjson.serialize(input) }, returnsValues);
  const cron = (t: TestApp, label: string) => call(t, label, '/api/cron/process-deployments', { method: 'POST', headers: { 'x-cron-secret': CRON } });

  it('runs every path with the canaries, on the embedded runtime', async () => {
    const t = local;
    const owner: Fixture = await createUserFixture(t, { credits: 1000 });
    const member = await createUserFixture(t, { orgId: owner.orgId, role: 'member' });
    const key = (await createApiKeyFixture(t, owner)).key;
    const appId = (await call(t, 'create app', '/api/agent-apps', { method: 'POST', token: key, json: { name: 'Leak check' } })).body.app.id as string;
    const secretsUrl = `/api/agent-apps/${appId}/secrets`;
    expect((await call(t, 'webhook', `/api/agent-apps/${appId}/webhooks`, { method: 'POST', token: key, json: { url: receiver.url, events: ['deployment.queued', 'deployment.started', 'deployment.completed', 'deployment.failed'] } })).status).toBe(201);

    // pixell secrets …
    expect((await call(t, 'POST secrets', secretsUrl, { method: 'POST', token: key, json: { secrets: { LEAK_A: VALUES.secretA, LEAK_B: VALUES.secretB, DEPLOY_WINS: 'placeholder' } } })).status).toBe(200);
    expect((await call(t, 'PUT secret', `${secretsUrl}/LEAK_C`, { method: 'PUT', token: key, json: { value: VALUES.secretC } })).status).toBe(200);
    expect((await call(t, 'PUT secret (update)', `${secretsUrl}/DEPLOY_WINS`, { method: 'PUT', token: key, json: { value: VALUES.putValue } })).status).toBe(200);
    expect((await call(t, 'PUT secret (member)', `${secretsUrl}/MEMBER_SET`, { method: 'PUT', token: member.token, json: { value: VALUES.memberValue } })).status).toBe(200);
    expect((await call(t, 'POST bad key', secretsUrl, { method: 'POST', token: key, json: { secrets: { bad_lower: VALUES.rejectedKeyValue } } })).status).toBe(400);
    expect((await call(t, 'PUT bad key', `${secretsUrl}/bad-key`, { method: 'PUT', token: key, json: { value: VALUES.rejectedKeyValue } })).status).toBe(400);
    expect((await call(t, 'PUT too long', `${secretsUrl}/TOO_LONG`, { method: 'PUT', token: key, json: { value: VALUES.tooLongValue } })).status).toBe(400);
    expect((await call(t, 'POST non-string', secretsUrl, { method: 'POST', token: key, json: { secrets: { OK: VALUES.secretA, NUM: 1 } } })).status).toBe(400);
    const brokenJson = `{"secrets": {"LEAK_A": "${VALUES.secretA}"`;
    expect((await call(t, 'POST broken JSON', secretsUrl, { method: 'POST', token: key, body: brokenJson, headers: { 'content-type': 'application/json' } })).status).toBe(400);
    expect((await call(t, 'GET secrets (member)', secretsUrl, { token: member.token })).status).toBe(403);
    expect((await call(t, 'GET names', `${secretsUrl}?names_only=true`, { token: member.token })).status).toBe(200);
    const values = await call(t, 'GET secrets (owner)', secretsUrl, { token: key }, true);
    expect(values.body.secrets.LEAK_B).toBe(VALUES.secretB);

    // The dashboard's procedures.
    expect((await trpc(t, 'trpc setMany', 'secrets.setMany', { appId, text: `PASTED=${VALUES.pasteValue}\n` }, owner.token, 'mutation')).status).toBe(200);
    expect((await trpc(t, 'trpc setMany (bad)', 'secrets.setMany', { appId, text: `OK=${VALUES.badPasteValue}\nlower=${VALUES.badPasteValue}\n"${VALUES.badPasteValue}"\n` }, owner.token, 'mutation')).status).toBe(400);
    expect((await trpc(t, 'trpc set (bad key)', 'secrets.set', { appId, key: 'no good', value: VALUES.rejectedKeyValue }, owner.token, 'mutation')).status).toBe(400);
    expect((await trpc(t, 'trpc list (member)', 'secrets.list', { appId }, member.token, 'query')).status).toBe(200);
    expect((await trpc(t, 'trpc list (owner)', 'secrets.list', { appId }, owner.token, 'query', true)).status).toBe(200);
    expect((await trpc(t, 'trpc delete', 'secrets.delete', { appId, key: 'MEMBER_SET' }, owner.token, 'mutation')).status).toBe(200);

    // pixell deploy with an environment, the worker, rollback and redeploy.
    const deploy = async (version: string, environment: Record<string, string>) => {
      const form = new FormData();
      form.append('version', version);
      form.append('environment', JSON.stringify(environment));
      form.append('file', new Blob([new Uint8Array(await buildApkg({ version }))], { type: 'application/octet-stream' }), 'agent.apkg');
      return call(t, `deploy ${version}`, `/api/agent-apps/${appId}/packages/deploy`, { method: 'POST', token: key, body: form });
    };
    expect((await deploy('1.0.0', { DEPLOY_ENV: VALUES.deployEnv, DEPLOY_WINS: VALUES.deployOverSecret })).status).toBe(202);
    expect((await cron(t, 'cron 1')).body.status).toBe('completed');
    const badEnv = await deploy('1.0.1', { DEPLOY_ENV: VALUES.deployEnv, 'BAD-NAME': VALUES.deployEnv });
    expect(badEnv.status).toBe(400);
    expect((await deploy('2.0.0', {})).status).toBe(202);
    expect((await cron(t, 'cron 2')).body.status).toBe('completed');
    const rollback = await call(t, 'rollback', `/api/agent-apps/${appId}/rollback`, { method: 'POST', token: key, json: { version: '1.0.0' } });
    expect(rollback.status).toBe(202);
    expect((await cron(t, 'cron rollback')).body.status).toBe('completed');
    expect((await call(t, 'redeploy', `/api/deployments/${rollback.body.deployment.id}/redeploy`, { method: 'POST', token: key })).status).toBe(202);
    expect((await cron(t, 'cron redeploy')).body.status).toBe('completed');

    const list = await call(t, 'list deployments', `/api/deployments?app_id=${appId}`, { token: key });
    expect(list.body.deployments).toHaveLength(4);
    for (const d of list.body.deployments as Array<{ id: string }>) {
      await call(t, 'deployment', `/api/deployments/${d.id}`, { token: key });
      const logs = await call(t, 'deployment logs', `/api/deployments/${d.id}/logs`, { token: key });
      // The log names the keys and where they came from (so the search below is not vacuous).
      expect(logs.text).toContain('LEAK_A (secret)');
      expect(logs.text).toContain('PROVIDED (provider)');
    }
    await call(t, 'audit log', '/api/audit-logs', { token: owner.token });
    await call(t, 'app', `/api/agent-apps/${appId}`, { token: key });
    await call(t, 'packages', `/api/agent-apps/${appId}/packages`, { token: key });
    await trpc(t, 'trpc deployments', 'deployments.list', { appId }, owner.token, 'query');

    // Webhooks of every event above, delivered.
    while ((await deliverer.runOnce()) > 0);
    expect(receiver.bodies.length).toBeGreaterThanOrEqual(12);

    // Deleting secrets does not echo them either.
    expect((await call(t, 'DELETE secret', `${secretsUrl}/LEAK_C`, { method: 'DELETE', token: key })).status).toBe(200);
    expect((await call(t, 'DELETE secrets', secretsUrl, { method: 'DELETE', token: key })).status).toBe(200);
  });

  it('runs a failing deployment against a remote runtime that echoes the request into its error', async () => {
    const t = remote;
    const owner = await createUserFixture(t, { credits: 100 });
    const appId = (await call(t, 'remote app', '/api/agent-apps', { method: 'POST', token: owner.token, json: { name: 'Remote leak check' } })).body.app.id as string;
    await call(t, 'remote secrets', `/api/agent-apps/${appId}/secrets`, { method: 'POST', token: owner.token, json: { secrets: { REMOTE_SECRET: VALUES.remoteSecret } } });
    const form = new FormData();
    form.append('version', '1.0.0');
    form.append('environment', JSON.stringify({ REMOTE_ENV: VALUES.remoteEnv }));
    form.append('file', new Blob([new Uint8Array(await buildApkg({ version: '1.0.0' }))]), 'agent.apkg');
    const res = await call(t, 'remote deploy', `/api/agent-apps/${appId}/packages/deploy`, { method: 'POST', token: owner.token, body: form });
    expect(res.status).toBe(202);
    expect((await cron(t, 'remote cron')).body.status).toBe('failed');
    const d = await call(t, 'remote deployment', `/api/deployments/${res.body.deployment.id}`, { token: owner.token });
    expect(d.body.deployment.error).toContain('Runtime rejected the deployment');
    expect(d.body.deployment.error).toContain('[redacted]');
    await call(t, 'remote logs', `/api/deployments/${res.body.deployment.id}/logs`, { token: owner.token });
  });

  it('finds none of the values anywhere', async () => {
    const logs: Seen[] = [
      { label: 'log lines (embedded)', text: local.logs.join('') },
      { label: 'log lines (remote)', text: remote.logs.join('') },
    ];
    expect(local.logs.length).toBeGreaterThan(40);
    const stored = [...(await dumpDatabase(local)), ...(await dumpDatabase(remote))];
    const webhooks: Seen[] = receiver.bodies.map((b, i) => ({ label: `webhook delivery ${i}`, text: b }));
    expect(responses.length).toBeGreaterThan(40);
    expect(findLeaks([...logs, ...responses, ...webhooks, ...stored])).toEqual([]);
    // Positive control: the search does find values where they are meant to be (JSON-escaped too).
    const control = findLeaks(valueResponses);
    for (const v of [VALUES.secretA, VALUES.secretB, VALUES.pasteValue]) expect(control.some((c) => c.includes(needlesOf(v).at(-1)!.slice(0, 30)))).toBe(true);
  });
});
