// The real client, byte for byte: `pixell secrets …` and `pixell deploy` (pixell-kit / pixell-sdk,
// Python `requests`) send these requests. The multipart body is built the way requests + urllib3 build
// it (data parts first in list order, then the files; a 32-hex-digit boundary; no Content-Type on data
// parts), sent over a raw HTTP connection with the same headers, and driven to a completed deployment
// whose environment holds the manifest's environment block, the --runtime-env overrides and the app's
// secrets, each with its source.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packages } from '../../db/schema/index.ts';
import type { RuntimeEnvFile } from '../adapters/runtime/local-runtime.ts';
import { buildApkg } from '../apkg/testing/build-apkg.ts';
import { createApiKeyFixture, createUserFixture, startTestApp, type TestApp } from '../test/harness.ts';

const CRON = 'cron-secret-for-cli-tests';

/** Python's json.dumps with default arguments: ", " and ": " separators, non-ASCII as \uXXXX. */
function pyJsonDumps(value: unknown): string {
  const str = (s: string) => JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (typeof value === 'string') return str(value);
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return `{${Object.entries(value)
      .map(([k, v]) => `${str(k)}: ${pyJsonDumps(v)}`)
      .join(', ')}}`;
  }
  return JSON.stringify(value);
}

type Part = { name: string; data: Buffer | string; filename?: string; contentType?: string };

/** urllib3.encode_multipart_formdata as requests calls it. */
function encodeMultipart(parts: Part[]): { body: Buffer; contentType: string } {
  const boundary = crypto.randomBytes(16).toString('hex');
  const chunks: Buffer[] = [];
  for (const p of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\n`, 'latin1'));
    const headers = [`Content-Disposition: form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ''}`];
    if (p.contentType) headers.push(`Content-Type: ${p.contentType}`);
    chunks.push(Buffer.from(`${headers.join('\r\n')}\r\n\r\n`, 'utf8'));
    chunks.push(typeof p.data === 'string' ? Buffer.from(p.data, 'utf8') : p.data);
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`, 'latin1'));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

type RawResponse = { status: number; body: any; text: string };

/** One request with the headers a requests.Session sends (Authorization set on the session). */
function pythonRequest(baseUrl: string, apiKey: string, method: string, pathname: string, payload?: { body: Buffer; contentType: string }): Promise<RawResponse> {
  const url = new URL(pathname, baseUrl);
  const headers: Record<string, string> = {
    'User-Agent': 'python-requests/2.32.3',
    'Accept-Encoding': 'gzip, deflate',
    Accept: '*/*',
    Connection: 'keep-alive',
    Authorization: `Bearer ${apiKey}`,
  };
  if (payload) {
    headers['Content-Length'] = String(payload.body.length);
    headers['Content-Type'] = payload.contentType;
  } else if (method === 'DELETE') {
    headers['Content-Length'] = '0';
  }
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method, path: url.pathname + url.search, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          body = undefined;
        }
        resolve({ status: res.statusCode ?? 0, body, text });
      });
    });
    req.on('error', reject);
    req.end(payload?.body);
  });
}

const jsonPayload = (value: unknown) => ({ body: Buffer.from(pyJsonDumps(value), 'utf8'), contentType: 'application/json' });

describe('pixell CLI compatibility (secrets + deploy)', () => {
  let t: TestApp;
  let apiKey: string;
  let appId: string;
  let signer: { privateKey: string; publicKey: string };
  const cli = (method: string, pathname: string, payload?: { body: Buffer; contentType: string }) => pythonRequest(t.baseUrl, apiKey, method, pathname, payload);

  // The manifest's environment block (lowercase keys and non-ASCII allowed there), as the CLI reads it
  // from .pixell/package.json, then `--runtime-env LOG_LEVEL=debug` merged over it.
  const manifestEnvironment = { LOG_LEVEL: 'info', api_base_url: 'https://api.example.com/v1', GREETING: 'héllo wörld' };
  const sentEnvironment = { ...manifestEnvironment, LOG_LEVEL: 'debug' };

  beforeAll(async () => {
    t = await startTestApp({ DEPLOYMENT_WORKER: 'off', CRON_SECRET: CRON });
    const owner = await createUserFixture(t, { credits: 100 });
    apiKey = (await createApiKeyFixture(t, owner, 'pixell CLI')).key;
    appId = (await t.request('/api/agent-apps', { method: 'POST', token: apiKey, json: { name: 'CLI target' } })).body.app.id;
    signer = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name: 'ci', email: 'ci@example.com' }], format: 'armored' });
    const trust = await t.request(`/api/agent-apps/${appId}`, { method: 'PATCH', token: apiKey, json: { trusted_public_keys: [signer.publicKey] } });
    expect(trust.status).toBe(200);
  });
  afterAll(() => t.close());

  it('pixell secrets set / update / list / get / delete / delete-all', async () => {
    const set = await cli('POST', `/api/agent-apps/${appId}/secrets`, jsonPayload({ secrets: { OPENAI_API_KEY: 'sk-cli-secret-0001', LOG_LEVEL: 'warning', TEMP: 'x' } }));
    expect(set.status).toBe(200);
    expect(set.body.secretCount).toBe(3);
    const update = await cli('PUT', `/api/agent-apps/${appId}/secrets/DB_PASSWORD`, jsonPayload({ value: 'cli-db-password-0002' }));
    expect(update.status).toBe(200);
    expect(update.body.key).toBe('DB_PASSWORD');
    const del = await cli('DELETE', `/api/agent-apps/${appId}/secrets/TEMP`);
    expect(del.status).toBe(200);
    const missing = await cli('DELETE', `/api/agent-apps/${appId}/secrets/TEMP`);
    expect(missing.status).toBe(404);
    const list = await cli('GET', `/api/agent-apps/${appId}/secrets`);
    expect(list.status).toBe(200);
    // `pixell secrets get KEY` reads the same list.
    expect(list.body.secrets).toEqual({ DB_PASSWORD: 'cli-db-password-0002', LOG_LEVEL: 'warning', OPENAI_API_KEY: 'sk-cli-secret-0001' });
    const invalid = await cli('POST', `/api/agent-apps/${appId}/secrets`, jsonPayload({ secrets: { 'bad-key': 'x' } }));
    expect(invalid.status).toBe(400);
    expect(typeof invalid.body.error).toBe('string'); // printed as "Invalid request: <error>"
    const unknownApp = await cli('GET', `/api/agent-apps/${crypto.randomUUID()}/secrets`);
    expect(unknownApp.status).toBe(404);

    const scratch = (await t.request('/api/agent-apps', { method: 'POST', token: apiKey, json: { name: 'Scratch' } })).body.app.id;
    await cli('POST', `/api/agent-apps/${scratch}/secrets`, jsonPayload({ secrets: { A: '1', B: '2' } }));
    const wipe = await cli('DELETE', `/api/agent-apps/${scratch}/secrets`);
    expect(wipe.status).toBe(200);
    expect((await cli('GET', `/api/agent-apps/${scratch}/secrets`)).body).toEqual({ secrets: {} });
  });

  it('pixell deploy --force --runtime-env … with a signature: the exact multipart request, through to completed', async () => {
    const version = '1.4.0';
    const apkg = await buildApkg({ version, manifest: { environment: manifestEnvironment }, env: 'OPENAI_API_KEY=placeholder\nPKG_SETTING=from-dotenv\n' });
    const sign = async (bytes: Buffer) => {
      const privateKey = await openpgp.readPrivateKey({ armoredKey: signer.privateKey });
      const message = await openpgp.createMessage({ binary: new Uint8Array(bytes) });
      return Buffer.from((await openpgp.sign({ message, signingKeys: privateKey, detached: true, format: 'binary' })) as Uint8Array);
    };
    const signature = await sign(apkg);

    // A first deploy of that version (plain `pixell deploy`: version, environment, file, signature).
    const first = encodeMultipart([
      { name: 'version', data: version },
      { name: 'environment', data: pyJsonDumps(manifestEnvironment) },
      { name: 'file', data: apkg, filename: 'agent.apkg', contentType: 'application/octet-stream' },
      { name: 'signature', data: signature, filename: 'agent.apkg.sig', contentType: 'application/octet-stream' },
    ]);
    const firstRes = await cli('POST', `/api/agent-apps/${appId}/packages/deploy`, first);
    expect(firstRes.status).toBe(202);
    expect((await t.request('/api/cron/process-deployments', { method: 'POST', headers: { 'x-cron-secret': CRON } })).body.status).toBe('completed');

    // Without --force the CLI gets the documented 400 and prints the details.
    const again = await cli('POST', `/api/agent-apps/${appId}/packages/deploy`, first);
    expect(again.status).toBe(400);
    expect(again.body.details).toEqual(['Version already exists']);

    // pixell deploy --version 1.4.0 --release-notes … --force --runtime-env LOG_LEVEL=debug, signed.
    const multipart = encodeMultipart([
      { name: 'version', data: version },
      { name: 'release_notes', data: 'Rebuilt with the new prompt — ünïcode notes' },
      { name: 'force_overwrite', data: 'true' },
      { name: 'environment', data: pyJsonDumps(sentEnvironment) },
      { name: 'file', data: apkg, filename: 'agent.apkg', contentType: 'application/octet-stream' },
      { name: 'signature', data: signature, filename: 'agent.apkg.sig', contentType: 'application/octet-stream' },
    ]);
    expect(multipart.body.toString('latin1')).toContain('"environment"\r\n\r\n{"LOG_LEVEL": "debug", "api_base_url": "https://api.example.com/v1", "GREETING": "h\\u00e9llo w\\u00f6rld"}\r\n');
    const res = await cli('POST', `/api/agent-apps/${appId}/packages/deploy`, multipart);
    expect(res.status).toBe(202);
    // The keys the CLI reads (it crashes without them).
    expect(res.body.deployment).toMatchObject({ id: expect.any(String), status: 'queued', queued_at: expect.any(String) });
    expect(res.body.package).toMatchObject({ id: expect.any(String), version, size_bytes: apkg.length });
    expect(res.body.tracking.status_url).toBe(`${t.config.publicUrl}/api/deployments/${res.body.deployment.id}`);
    const [pkg] = await t.db.select().from(packages).where(eq(packages.id, res.body.package.id));
    expect(pkg).toMatchObject({ releaseNotes: 'Rebuilt with the new prompt — ünïcode notes', signatureStatus: 'verified', size: apkg.length });

    const processed = await t.request('/api/cron/process-deployments', { method: 'POST', headers: { 'x-cron-secret': CRON } });
    expect(processed.body).toEqual({ processed: true, jobId: res.body.deployment.id, status: 'completed', duration: expect.any(Number) });

    // `--wait` polls GET /api/deployments/{id} until completed.
    const status = await cli('GET', `/api/deployments/${res.body.deployment.id}`);
    expect(status.status).toBe(200);
    expect(status.body.deployment).toMatchObject({ id: res.body.deployment.id, status: 'completed', error: null, completed_at: expect.any(String), duration_seconds: expect.any(Number) });
    expect(status.body.deployment.progress.steps.every((s: { status: string }) => s.status === 'completed')).toBe(true);

    // The agent's environment: deploy-time environment > app secrets > package .env > base.
    const file = JSON.parse(fs.readFileSync(path.join(t.config.dataDir, 'runtime', appId, version, '.pixell', 'runtime-env.json'), 'utf8')) as RuntimeEnvFile;
    expect(file.deploymentId).toBe(res.body.deployment.id);
    expect(file.env).toMatchObject({
      LOG_LEVEL: 'debug', // --runtime-env over the secret LOG_LEVEL=warning
      api_base_url: 'https://api.example.com/v1',
      GREETING: 'héllo wörld',
      OPENAI_API_KEY: 'sk-cli-secret-0001', // the secret over the package's placeholder
      DB_PASSWORD: 'cli-db-password-0002',
      PKG_SETTING: 'from-dotenv',
      PIXELL_RUNTIME: 'local',
    });
    expect(file.sources).toMatchObject({
      LOG_LEVEL: 'deployment',
      api_base_url: 'deployment',
      GREETING: 'deployment',
      OPENAI_API_KEY: 'secret',
      DB_PASSWORD: 'secret',
      PKG_SETTING: 'package',
      PIXELL_RUNTIME: 'base',
    });

    // `pixell status --follow` and the log: key names with sources, never values.
    const logs = await cli('GET', `/api/deployments/${res.body.deployment.id}/logs`);
    const text = (logs.body.events as Array<{ message: string }>).map((e) => e.message).join('\n');
    expect(text).toContain('OPENAI_API_KEY (secret)');
    expect(text).toContain('LOG_LEVEL (deployment)');
    expect(text).toContain('PKG_SETTING (package)');
    for (const value of ['sk-cli-secret-0001', 'cli-db-password-0002', 'héllo wörld']) {
      expect(text).not.toContain(value);
      expect(status.text).not.toContain(value);
      expect(res.text).not.toContain(value);
    }
  });
});
