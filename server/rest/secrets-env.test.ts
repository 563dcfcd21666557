// The effective environment of a deployment: deploy-time `environment` > app secrets > secrets
// provider > package .env > base, as written to the local runtime's install and as sent to PAR in
// the runtime request; the deployment log names keys and sources only; rollback restores the exact
// environment the earlier deployment ran with, redeploy takes the app's current secrets.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployments } from '../../db/schema/index.ts';
import type { RuntimeEnvFile } from '../adapters/runtime/local-runtime.ts';
import { buildApkg } from '../apkg/testing/build-apkg.ts';
import { readStoredEnv } from '../domain/secrets/resolve-deployment-env.ts';
import { createApiKeyFixture, createUserFixture, startTestApp, type TestApp } from '../test/harness.ts';

const CRON = 'cron-secret-for-env-tests';

const PACKAGE_ENV = [
  'PKG_ONLY=pkg-only-value',
  'PIXELL_RUNTIME=pkg-over-base-value',
  'PROVIDER_OVER_PKG=pkg-shadowed-by-provider',
  'SECRET_OVER_PKG=pkg-shadowed-by-secret',
  'DEPLOY_OVER_PKG=pkg-shadowed-by-deploy',
  'ALL_LAYERS=pkg-all-layers',
  '',
].join('\n');

const PROVIDER = { PROVIDER_ONLY: 'provider-only-value', PROVIDER_OVER_PKG: 'provider-over-pkg-value', SECRET_OVER_PROVIDER: 'provider-shadowed-by-secret', ALL_LAYERS: 'provider-all-layers' };

const SECRETS = { SECRET_ONLY: 'secret-only-value', SECRET_OVER_PKG: 'secret-over-pkg-value', SECRET_OVER_PROVIDER: 'secret-over-provider-value', DEPLOY_OVER_SECRET: 'secret-shadowed-by-deploy', ALL_LAYERS: 'secret-all-layers' };

const DEPLOY_ENV = { DEPLOY_ONLY: 'deploy-only-value', DEPLOY_OVER_PKG: 'deploy-over-pkg-value', DEPLOY_OVER_SECRET: 'deploy-over-secret-value', ALL_LAYERS: 'deploy-all-layers', lower_case_key: 'manifest-style-lowercase' };

async function deployForm(version: string, environment?: Record<string, string> | string) {
  const f = new FormData();
  f.append('version', version);
  if (environment !== undefined) f.append('environment', typeof environment === 'string' ? environment : JSON.stringify(environment));
  f.append('file', new Blob([new Uint8Array(await buildApkg({ version, env: PACKAGE_ENV }))], { type: 'application/octet-stream' }), 'agent.apkg');
  return f;
}

describe('deploy-time environment and app secrets (embedded runtime)', () => {
  let t: TestApp;
  let key: string;
  let appId: string;

  beforeAll(async () => {
    t = await startTestApp({
      DEPLOYMENT_WORKER: 'off',
      CRON_SECRET: CRON,
      PIXELL_SECRETS_PROVIDER: 'static',
      PIXELL_SECRETS_JSON: JSON.stringify(PROVIDER),
      RATE_LIMIT_AUTHENTICATED_PER_HOUR: '100000',
    });
    const owner = await createUserFixture(t, { credits: 1000 });
    key = (await createApiKeyFixture(t, owner)).key;
    appId = (await t.request('/api/agent-apps', { method: 'POST', token: key, json: { name: 'Env precedence' } })).body.app.id;
  });
  afterAll(() => t.close());

  const deploy = async (version: string, environment?: Record<string, string> | string) =>
    t.request(`/api/agent-apps/${appId}/packages/deploy`, { method: 'POST', token: key, body: await deployForm(version, environment) });
  const runQueued = async () => {
    const res = await t.request('/api/cron/process-deployments', { method: 'POST', headers: { 'x-cron-secret': CRON } });
    expect(res.body).toMatchObject({ processed: true, status: 'completed' });
    return res.body.jobId as string;
  };
  const installedEnv = (version: string) =>
    JSON.parse(fs.readFileSync(path.join(t.config.dataDir, 'runtime', appId, version, '.pixell', 'runtime-env.json'), 'utf8')) as RuntimeEnvFile;
  const logMessages = async (deploymentId: string) =>
    ((await t.request(`/api/deployments/${deploymentId}/logs`, { token: key })).body.events as Array<{ message: string }>).map((e) => e.message);
  const setSecrets = (secrets: Record<string, string>) => t.request(`/api/agent-apps/${appId}/secrets`, { method: 'POST', token: key, json: { secrets } });

  it('validates the environment part: a JSON object of strings with variable-name keys', async () => {
    for (const [environment, message] of [
      ['not json', 'environment must be a JSON object of strings'],
      ['["A=1"]', 'environment must be a JSON object of strings'],
      ['{"PORT": 8080}', 'expected string, received number'],
      ['{"BAD-NAME": "x"}', '"path":"environment.BAD-NAME"'],
    ] as const) {
      const res = await deploy('0.0.1', environment);
      expect(res.status, environment).toBe(400);
      expect(res.body.code).toBe('VALIDATION_ERROR');
      expect(JSON.stringify(res.body.details)).toContain(message);
    }
  });

  it('builds deployment > secret > provider > package .env > base and logs keys with their sources only', async () => {
    expect((await setSecrets(SECRETS)).status).toBe(200);
    const res = await deploy('1.0.0', DEPLOY_ENV);
    expect(res.status).toBe(202);
    const [stored] = await t.db.select().from(deployments).where(eq(deployments.id, res.body.deployment.id));
    expect(stored.envEncrypted).not.toContain('deploy-only-value');
    const id = await runQueued();

    const file = installedEnv('1.0.0');
    expect(file.env).toEqual({
      ALL_LAYERS: 'deploy-all-layers',
      DEPLOY_ONLY: 'deploy-only-value',
      DEPLOY_OVER_PKG: 'deploy-over-pkg-value',
      DEPLOY_OVER_SECRET: 'deploy-over-secret-value',
      PIXELL_RUNTIME: 'pkg-over-base-value',
      PKG_ONLY: 'pkg-only-value',
      PROVIDER_ONLY: 'provider-only-value',
      PROVIDER_OVER_PKG: 'provider-over-pkg-value',
      PYTHONUNBUFFERED: '1',
      SECRET_ONLY: 'secret-only-value',
      SECRET_OVER_PKG: 'secret-over-pkg-value',
      SECRET_OVER_PROVIDER: 'secret-over-provider-value',
      lower_case_key: 'manifest-style-lowercase',
    });
    expect(file.sources).toEqual({
      ALL_LAYERS: 'deployment',
      DEPLOY_ONLY: 'deployment',
      DEPLOY_OVER_PKG: 'deployment',
      DEPLOY_OVER_SECRET: 'deployment',
      PIXELL_RUNTIME: 'package',
      PKG_ONLY: 'package',
      PROVIDER_ONLY: 'provider',
      PROVIDER_OVER_PKG: 'provider',
      PYTHONUNBUFFERED: 'base',
      SECRET_ONLY: 'secret',
      SECRET_OVER_PKG: 'secret',
      SECRET_OVER_PROVIDER: 'secret',
      lower_case_key: 'deployment',
    });

    const messages = await logMessages(id);
    const envLine = messages.find((m) => m.startsWith('Environment ('));
    expect(envLine).toContain('SECRET_ONLY (secret)');
    expect(envLine).toContain('DEPLOY_OVER_SECRET (deployment)');
    expect(envLine).toContain('PROVIDER_ONLY (provider)');
    expect(envLine).toContain('PKG_ONLY (package)');
    expect(envLine).toContain('PYTHONUNBUFFERED (base)');
    const all = messages.join('\n');
    for (const value of [...Object.values(SECRETS), ...Object.values(DEPLOY_ENV), ...Object.values(PROVIDER), 'pkg-only-value']) expect(all).not.toContain(value);

    // The deployment keeps an encrypted snapshot of what it handed to the runtime.
    const [row] = await t.db.select().from(deployments).where(eq(deployments.id, id));
    expect(row.envEncrypted).not.toContain('secret-only-value');
    const snapshot = readStoredEnv(t.services.secrets, row.envEncrypted);
    expect(snapshot.kind).toBe('snapshot');
    if (snapshot.kind === 'snapshot') {
      expect(snapshot.snapshot.deploymentId).toBe(id);
      expect(snapshot.snapshot.sources).toMatchObject({ SECRET_ONLY: 'secret', DEPLOY_ONLY: 'deployment', ALL_LAYERS: 'deployment' });
      expect(snapshot.snapshot.values.SECRET_ONLY).toBe('secret-only-value');
    }
  });

  it('uses app secrets alone when the upload sends no environment', async () => {
    await setSecrets({ ONLY_SECRET: 'v2-secret-value' });
    expect((await deploy('2.0.0')).status).toBe(202);
    const id = await runQueued();
    const file = installedEnv('2.0.0');
    expect(file.env.ONLY_SECRET).toBe('v2-secret-value');
    expect(file.sources.ONLY_SECRET).toBe('secret');
    expect(file.env.SECRET_ONLY).toBeUndefined(); // replaced by the POST above
    expect(file.env.ALL_LAYERS).toBe('provider-all-layers');
    expect((await logMessages(id)).join('\n')).toContain('ONLY_SECRET (secret)');
  });

  it('rollback restores exactly the environment the earlier deployment ran with', async () => {
    const res = await t.request(`/api/agent-apps/${appId}/rollback`, { method: 'POST', token: key, json: { version: '1.0.0' } });
    expect(res.status).toBe(202);
    expect(res.body.deployment.kind).toBe('rollback');
    const id = await runQueued();
    const file = installedEnv('1.0.0');
    expect(file.deploymentId).toBe(id);
    expect(file.env.SECRET_ONLY).toBe('secret-only-value'); // deleted from the app since, restored here
    expect(file.env.DEPLOY_ONLY).toBe('deploy-only-value');
    expect(file.env.ONLY_SECRET).toBeUndefined(); // added after 1.0.0 ran: not part of its environment
    expect(file.sources).toMatchObject({ SECRET_ONLY: 'secret', DEPLOY_ONLY: 'deployment' });
  });

  it("redeploy keeps the earlier deploy-time environment and takes the app's current secrets", async () => {
    const [first] = await t.db.select().from(deployments).where(eq(deployments.version, '1.0.0')).orderBy(deployments.createdAt).limit(1);
    await setSecrets({ ONLY_SECRET: 'v3-secret-value', DEPLOY_ONLY: 'secret-shadowed-again' });
    const res = await t.request(`/api/deployments/${first.id}/redeploy`, { method: 'POST', token: key });
    expect(res.status).toBe(202);
    const id = await runQueued();
    const file = installedEnv('1.0.0');
    expect(file.deploymentId).toBe(id);
    expect(file.env.ONLY_SECRET).toBe('v3-secret-value');
    expect(file.sources.ONLY_SECRET).toBe('secret');
    expect(file.env.DEPLOY_ONLY).toBe('deploy-only-value');
    expect(file.sources.DEPLOY_ONLY).toBe('deployment');
    expect(file.env.SECRET_ONLY).toBeUndefined();
  });
});

describe('deploy-time environment and app secrets (PAR push API)', () => {
  let t: TestApp;
  let par: http.Server;
  const received: Array<{ url: string; body: any }> = [];

  beforeAll(async () => {
    par = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        received.push({ url: req.url ?? '', body: text ? JSON.parse(text) : undefined });
        res.writeHead(req.method === 'POST' ? 202 : 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(req.method === 'POST' ? { status: 'accepted', deploymentId: JSON.parse(text).deploymentId } : { status: 'healthy', healthy: true }));
      });
    });
    await new Promise<void>((resolve) => par.listen(0, '127.0.0.1', resolve));
    t = await startTestApp({
      DEPLOYMENT_WORKER: 'off',
      CRON_SECRET: CRON,
      RUNTIME_URL: `http://127.0.0.1:${(par.address() as AddressInfo).port}`,
      RUNTIME_POLL_INTERVAL_MS: '10',
      PIXELL_SECRETS_PROVIDER: 'static',
      PIXELL_SECRETS_JSON: JSON.stringify(PROVIDER),
    });
  });
  afterAll(async () => {
    await t.close();
    par.closeAllConnections();
    await new Promise<void>((resolve) => par.close(() => resolve()));
  });

  it('sends env = deploy-time environment > app secrets > provider in the runtime request', async () => {
    const owner = await createUserFixture(t, { credits: 100 });
    const appId = (await t.request('/api/agent-apps', { method: 'POST', token: owner.token, json: { name: 'Remote env' } })).body.app.id;
    await t.request(`/api/agent-apps/${appId}/secrets`, { method: 'POST', token: owner.token, json: { secrets: SECRETS } });
    const res = await t.request(`/api/agent-apps/${appId}/packages/deploy`, { method: 'POST', token: owner.token, body: await deployForm('1.0.0', DEPLOY_ENV) });
    expect(res.status).toBe(202);
    const done = await t.request('/api/cron/process-deployments', { method: 'POST', headers: { 'x-cron-secret': CRON } });
    expect(done.body).toMatchObject({ processed: true, status: 'completed' });

    const push = received.find((r) => r.url === '/deploy');
    expect(push?.body.deploymentId).toBe(res.body.deployment.id);
    expect(push?.body.env).toEqual({
      ALL_LAYERS: 'deploy-all-layers',
      DEPLOY_ONLY: 'deploy-only-value',
      DEPLOY_OVER_PKG: 'deploy-over-pkg-value',
      DEPLOY_OVER_SECRET: 'deploy-over-secret-value',
      PROVIDER_ONLY: 'provider-only-value',
      PROVIDER_OVER_PKG: 'provider-over-pkg-value',
      SECRET_ONLY: 'secret-only-value',
      SECRET_OVER_PKG: 'secret-over-pkg-value',
      SECRET_OVER_PROVIDER: 'secret-over-provider-value',
      lower_case_key: 'manifest-style-lowercase',
    });
    const logs = (await t.request(`/api/deployments/${res.body.deployment.id}/logs`, { token: owner.token })).body.events.map((e: { message: string }) => e.message).join('\n');
    expect(logs).toContain('SECRET_ONLY (secret)');
    expect(logs).toContain('DEPLOY_ONLY (deployment)');
    expect(logs).toContain('PROVIDER_ONLY (provider)');
    for (const value of [...Object.values(SECRETS), ...Object.values(DEPLOY_ENV)]) expect(logs).not.toContain(value);
  });
});
