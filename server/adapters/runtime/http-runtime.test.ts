// The HTTP runtime adapter against a fake PAR (node:http on a random port) that records every
// request: push API (headers, body, polling until healthy), failures, timeout, retries, supervisor
// API (POST vs PUT and fallbacks), abort, and the runtime health check.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpRuntime, type HttpRuntimeOptions } from './http-runtime.ts';
import type { RuntimeDeployRequest, RuntimeLog } from './runtime-adapter.ts';
import { createStaticSecretsProvider } from './secrets-provider.ts';

type Recorded = { method: string; url: string; headers: http.IncomingHttpHeaders; body: any };
type Reply = { status: number; json?: unknown; text?: string } | 'drop';
type Handler = (req: Recorded, count: number) => Reply | Promise<Reply>;

type FakeRuntime = { url: string; requests: Recorded[]; close(): Promise<void> };

const servers: FakeRuntime[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function startFakeRuntime(handler: Handler): Promise<FakeRuntime> {
  const requests: Recorded[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const recorded: Recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: text ? JSON.parse(text) : undefined };
      requests.push(recorded);
      const count = requests.filter((r) => r.method === recorded.method && r.url === recorded.url).length;
      void Promise.resolve(handler(recorded, count)).then((reply) => {
        if (reply === 'drop') {
          req.socket.destroy();
          return;
        }
        res.writeHead(reply.status, { 'content-type': reply.text !== undefined ? 'text/plain' : 'application/json' });
        res.end(reply.text ?? (reply.json === undefined ? '' : JSON.stringify(reply.json)));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const fake: FakeRuntime = {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  servers.push(fake);
  return fake;
}

function runtimeFor(fake: { url: string }, options: Partial<HttpRuntimeOptions> = {}): HttpRuntime {
  return new HttpRuntime({
    url: fake.url,
    token: 'runtime-token-0123456789',
    healthTimeoutSeconds: 5,
    pollIntervalMs: 5,
    retryDelayMs: 5,
    ...options,
  });
}

const REQUEST: RuntimeDeployRequest = {
  deploymentId: 'dep_abc123',
  agentAppId: 'app_xyz789',
  orgId: 'org_42',
  version: '1.2.3',
  packageKey: 'orgs/org_42/apps/app_xyz789/packages/pkg_1.apkg',
  packageUrl: 'https://cloud.example/api/storage/download?key=k&expires=1&sig=s',
  packageSha256: 'c0ffee'.repeat(10) + 'abcd',
  packageSize: 1234,
  env: { OPENAI_API_KEY: 'sk-deployment-secret-value', LOG_LEVEL: 'debug' },
  isUpdate: false,
};

function collector(): { log: RuntimeLog; messages: string[] } {
  const messages: string[] = [];
  return { messages, log: (_level, message) => messages.push(message) };
}

const signal = () => new AbortController().signal;

describe('HttpRuntime, push API', () => {
  it('POSTs /deploy with the token, idempotency key and body, then polls health until healthy', async () => {
    const statuses = [
      { status: 'downloading', healthy: false, message: 'fetching package' },
      { status: 'starting', healthy: false },
      { status: 'deployed', healthy: true },
      { status: 'healthy', healthy: true, message: 'all surfaces up', ports: { rest: 8080 } },
    ];
    const fake = await startFakeRuntime((req, count) => {
      if (req.method === 'POST' && req.url === '/deploy') return { status: 202, json: { status: 'accepted', deploymentId: req.body.deploymentId } };
      if (req.method === 'GET' && req.url === '/deployments/dep_abc123/health') return { status: 200, json: statuses[Math.min(count, statuses.length) - 1] };
      return { status: 404, json: { error: 'no route' } };
    });
    const runtime = runtimeFor(fake, { secretsProvider: createStaticSecretsProvider({ DB_PASSWORD: 'provider-secret-value', LOG_LEVEL: 'info' }) });
    const { log, messages } = collector();

    const result = await runtime.deploy(REQUEST, log, signal());

    expect(result).toEqual({
      location: `${fake.url}/agents/app_xyz789`,
      envSources: { DB_PASSWORD: 'provider', LOG_LEVEL: 'deployment', OPENAI_API_KEY: 'deployment' },
    });
    const [post, ...polls] = fake.requests;
    expect(post.method).toBe('POST');
    expect(post.url).toBe('/deploy');
    expect(post.headers.authorization).toBe('Bearer runtime-token-0123456789');
    expect(post.headers['idempotency-key']).toBe('dep_abc123');
    expect(post.headers['content-type']).toBe('application/json');
    expect(post.body).toEqual({
      deploymentId: 'dep_abc123',
      agentAppId: 'app_xyz789',
      orgId: 'org_42',
      version: '1.2.3',
      packageUrl: REQUEST.packageUrl,
      packageSha256: REQUEST.packageSha256,
      env: { DB_PASSWORD: 'provider-secret-value', LOG_LEVEL: 'debug', OPENAI_API_KEY: 'sk-deployment-secret-value' },
      forceRefresh: false,
      surfaces: { mode: 'multiplex', ports: { rest: 8080, a2a: 50051, ui: 3000 } },
    });
    // Polled until healthy === true AND status === 'healthy' (not on 'deployed').
    expect(polls.map((p) => `${p.method} ${p.url}`)).toEqual(Array(4).fill('GET /deployments/dep_abc123/health'));
    expect(polls.every((p) => p.headers.authorization === 'Bearer runtime-token-0123456789')).toBe(true);

    expect(messages).toContain('Runtime status: downloading (fetching package)');
    expect(messages).toContain('Runtime status: healthy (all surfaces up)');
    expect(messages.find((m) => m.startsWith('Environment'))).toContain('DB_PASSWORD (provider)');
    const text = messages.join('\n');
    for (const secret of ['sk-deployment-secret-value', 'provider-secret-value', 'runtime-token-0123456789']) expect(text).not.toContain(secret);
  });

  it('keeps polling while the runtime does not know the deployment yet (404)', async () => {
    const fake = await startFakeRuntime((req, count) => {
      if (req.method === 'POST') return { status: 202, json: { status: 'accepted' } };
      return count < 3 ? { status: 404, json: { detail: 'Not Found' } } : { status: 200, json: { status: 'healthy', healthy: true } };
    });
    await runtimeFor(fake).deploy(REQUEST, collector().log, signal());
    expect(fake.requests.filter((r) => r.method === 'GET')).toHaveLength(3);
  });

  it('rejects with the runtime message when it reports failed', async () => {
    const fake = await startFakeRuntime((req) => {
      if (req.method === 'POST') return { status: 202, json: { status: 'accepted' } };
      return { status: 200, json: { status: 'failed', healthy: false, message: 'ImportError: No module named src.main' } };
    });
    await expect(runtimeFor(fake).deploy(REQUEST, collector().log, signal())).rejects.toThrow(
      'Runtime reported the deployment failed: ImportError: No module named src.main',
    );
  });

  it('gives up when the runtime does not report healthy in time', async () => {
    const fake = await startFakeRuntime((req) => {
      if (req.method === 'POST') return { status: 202, json: { status: 'accepted' } };
      return { status: 200, json: { status: 'starting', healthy: false } };
    });
    const runtime = runtimeFor(fake, { healthTimeoutSeconds: 0.2, pollIntervalMs: 20 });
    await expect(runtime.deploy(REQUEST, collector().log, signal())).rejects.toThrow('Runtime did not report healthy within 0.2 s');
    expect(fake.requests.filter((r) => r.method === 'GET').length).toBeGreaterThan(2);
  });

  it('rejects a non-2xx answer with the status and the error text, truncated and without env values', async () => {
    const fake = await startFakeRuntime(() => ({
      status: 400,
      json: { error: `invalid env: OPENAI_API_KEY=sk-deployment-secret-value ${'x'.repeat(1000)}` },
    }));
    const failure = (await runtimeFor(fake).deploy(REQUEST, collector().log, signal()).catch((err: unknown) => err)) as Error;
    expect(failure.message).toMatch(/^Runtime rejected the deployment: HTTP 400 from POST \/deploy: invalid env: OPENAI_API_KEY=\[redacted\] x+…$/);
    expect(failure.message).not.toContain('sk-deployment-secret-value');
    expect(failure.message.length).toBeLessThan(400);
    expect(fake.requests).toHaveLength(1);
  });

  it('reads FastAPI-style detail arrays and plain-text errors', async () => {
    const fake = await startFakeRuntime((req) =>
      req.method === 'POST' ? { status: 422, json: { detail: [{ msg: 'packageUrl: field required' }] } } : { status: 401, text: 'bad token' },
    );
    await expect(runtimeFor(fake).deploy(REQUEST, collector().log, signal())).rejects.toThrow(
      'Runtime rejected the deployment: HTTP 422 from POST /deploy: packageUrl: field required',
    );
  });

  it('fails on a status check error other than 404', async () => {
    const fake = await startFakeRuntime((req) => (req.method === 'POST' ? { status: 202, json: {} } : { status: 401, text: 'bad token' }));
    await expect(runtimeFor(fake).deploy(REQUEST, collector().log, signal())).rejects.toThrow(
      'Runtime status check failed: HTTP 401 from GET /deployments/dep_abc123/health: bad token',
    );
  });

  it('retries network errors and gateway errors with backoff, with the same idempotency key', async () => {
    const fake = await startFakeRuntime((req, count) => {
      if (req.method === 'POST') return count === 1 ? 'drop' : count === 2 ? { status: 503, text: 'busy' } : { status: 202, json: {} };
      return count === 1 ? 'drop' : { status: 200, json: { status: 'healthy', healthy: true } };
    });
    await runtimeFor(fake).deploy(REQUEST, collector().log, signal());
    const posts = fake.requests.filter((r) => r.method === 'POST');
    expect(posts).toHaveLength(3);
    expect(new Set(posts.map((p) => p.headers['idempotency-key']))).toEqual(new Set(['dep_abc123']));
    expect(fake.requests.filter((r) => r.method === 'GET')).toHaveLength(2);
  });

  it('fails after the retries when the runtime cannot be reached', async () => {
    const fake = await startFakeRuntime(() => ({ status: 200, json: {} }));
    await fake.close();
    const runtime = runtimeFor(fake, { retries: 2 });
    await expect(runtime.deploy(REQUEST, collector().log, signal())).rejects.toThrow(
      new RegExp(`^Could not reach the runtime at ${fake.url.replace(/[.]/g, '\\.')} \\(POST /deploy\\): ECONNREFUSED`),
    );
  });

  it('honours the abort signal while polling', async () => {
    const controller = new AbortController();
    const fake = await startFakeRuntime((req, count) => {
      if (req.method === 'POST') return { status: 202, json: {} };
      if (count === 2) controller.abort('deployment cancelled');
      return { status: 200, json: { status: 'starting', healthy: false } };
    });
    const runtime = runtimeFor(fake, { pollIntervalMs: 10 });
    const failure = (await runtime.deploy(REQUEST, collector().log, controller.signal).catch((err: unknown) => err)) as Error;
    expect(failure.name).toBe('AbortError');
    expect(failure.message).toBe('Deployment to the runtime was aborted: deployment cancelled');
    const gets = fake.requests.filter((r) => r.method === 'GET').length;
    expect(gets).toBe(2);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const fake = await startFakeRuntime(() => ({ status: 202, json: {} }));
    await expect(runtimeFor(fake).deploy(REQUEST, collector().log, AbortSignal.abort())).rejects.toThrow('Deployment to the runtime was aborted');
    expect(fake.requests).toHaveLength(0);
  });
});

describe('HttpRuntime, supervisor API', () => {
  const supervisorBody = {
    agent_app_id: 'app_xyz789',
    deployment_id: 'dep_abc123',
    package_url: REQUEST.packageUrl,
    package_sha256: REQUEST.packageSha256,
    version: '1.2.3',
    org_id: 'org_42',
    env: { LOG_LEVEL: 'debug', OPENAI_API_KEY: 'sk-deployment-secret-value' },
  };

  it('POSTs /agents on a first deploy and polls the status until running', async () => {
    const fake = await startFakeRuntime((req, count) => {
      if (req.method === 'POST' && req.url === '/agents') return { status: 201, json: { agent_app_id: 'app_xyz789', status: 'starting' } };
      if (req.url === '/agents/app_xyz789/status') return { status: 200, json: { status: count < 3 ? 'starting' : 'running', process_id: 42 } };
      return { status: 404, json: { detail: 'Not Found' } };
    });
    const { log, messages } = collector();
    const result = await runtimeFor(fake, { api: 'supervisor' }).deploy(REQUEST, log, signal());
    expect(result.location).toBe(`${fake.url}/agents/app_xyz789`);
    const [post, ...polls] = fake.requests;
    expect(`${post.method} ${post.url}`).toBe('POST /agents');
    expect(post.headers.authorization).toBe('Bearer runtime-token-0123456789');
    expect(post.body).toEqual(supervisorBody);
    expect(polls.map((p) => `${p.method} ${p.url}`)).toEqual(Array(3).fill('GET /agents/app_xyz789/status'));
    expect(messages).toContain('Runtime status: running');
  });

  it('PUTs /agents/{id} for an update', async () => {
    const fake = await startFakeRuntime((req) => {
      if (req.method === 'PUT') return { status: 200, json: { status: 'updating' } };
      return { status: 200, json: { status: 'running', deployment_id: 'dep_abc123' } };
    });
    await runtimeFor(fake, { api: 'supervisor' }).deploy({ ...REQUEST, isUpdate: true }, collector().log, signal());
    expect(`${fake.requests[0].method} ${fake.requests[0].url}`).toBe('PUT /agents/app_xyz789');
    expect(fake.requests[0].body).toEqual(supervisorBody);
  });

  it('waits while the status still describes the previous deployment', async () => {
    const fake = await startFakeRuntime((req, count) => {
      if (req.method === 'PUT') return { status: 200, json: {} };
      return { status: 200, json: { status: 'running', deployment_id: count < 3 ? 'dep_old' : 'dep_abc123' } };
    });
    await runtimeFor(fake, { api: 'supervisor' }).deploy({ ...REQUEST, isUpdate: true }, collector().log, signal());
    expect(fake.requests.filter((r) => r.method === 'GET')).toHaveLength(3);
  });

  it('falls back to PUT when POST answers 409, and to POST when PUT answers 404', async () => {
    const conflict = await startFakeRuntime((req) => {
      if (req.method === 'POST') return { status: 409, json: { detail: 'agent already exists' } };
      if (req.method === 'PUT') return { status: 200, json: {} };
      return { status: 200, json: { status: 'running' } };
    });
    await runtimeFor(conflict, { api: 'supervisor' }).deploy(REQUEST, collector().log, signal());
    expect(conflict.requests.slice(0, 2).map((r) => `${r.method} ${r.url}`)).toEqual(['POST /agents', 'PUT /agents/app_xyz789']);

    const missing = await startFakeRuntime((req) => {
      if (req.method === 'PUT') return { status: 404, json: { detail: 'no such agent' } };
      if (req.method === 'POST') return { status: 201, json: {} };
      return { status: 200, json: { status: 'running' } };
    });
    await runtimeFor(missing, { api: 'supervisor' }).deploy({ ...REQUEST, isUpdate: true }, collector().log, signal());
    expect(missing.requests.slice(0, 2).map((r) => `${r.method} ${r.url}`)).toEqual(['PUT /agents/app_xyz789', 'POST /agents']);
  });

  it('rejects when the agent fails', async () => {
    const fake = await startFakeRuntime((req) =>
      req.method === 'POST' ? { status: 201, json: {} } : { status: 200, json: { status: 'failed', message: 'exit code 1' } },
    );
    await expect(runtimeFor(fake, { api: 'supervisor' }).deploy(REQUEST, collector().log, signal())).rejects.toThrow(
      'Runtime reported the deployment failed: exit code 1',
    );
  });

  it('rejects a refused deployment with the status and error text', async () => {
    const fake = await startFakeRuntime(() => ({ status: 507, json: { detail: 'no capacity left' } }));
    await expect(runtimeFor(fake, { api: 'supervisor' }).deploy(REQUEST, collector().log, signal())).rejects.toThrow(
      'Runtime rejected the deployment: HTTP 507 from POST /agents: no capacity left',
    );
  });
});

describe('HttpRuntime.check', () => {
  it('GETs /health with the token', async () => {
    const fake = await startFakeRuntime(() => ({ status: 200, json: { status: 'ok', agents_running: 0 } }));
    await runtimeFor(fake).check();
    expect(fake.requests.map((r) => `${r.method} ${r.url} ${r.headers.authorization}`)).toEqual(['GET /health Bearer runtime-token-0123456789']);
  });

  it('throws when the runtime is unhealthy', async () => {
    const fake = await startFakeRuntime(() => ({ status: 500, json: { error: 'disk full' } }));
    await expect(runtimeFor(fake).check()).rejects.toThrow('Runtime health check failed: HTTP 500 from GET /health: disk full');
  });
});
