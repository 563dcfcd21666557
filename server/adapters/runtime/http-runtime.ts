// The Pixell Agent Runtime (PAR) over HTTP (RUNTIME_URL), apkg-format.md §4. The cloud polls; the
// runtime never calls back.
//   - push API (RUNTIME_API=push, default): POST /deploy (Bearer RUNTIME_TOKEN, Idempotency-Key =
//     deploymentId) → 202, then GET /deployments/{id}/health until healthy or failed;
//   - supervisor API (RUNTIME_API=supervisor): POST /agents (first deploy) or PUT /agents/{id}
//     (update), then GET /agents/{id}/status until running or failed.
// The runtime downloads the package from `packageUrl` and applies its .env itself; the env sent is
// the deployment env over the secrets provider's values (so the precedence deployment > provider >
// package .env > base holds on the runtime too). Network errors (and 502/503/504) are retried with
// backoff; error messages quote the runtime's error text, truncated and with env values redacted.
import { setTimeout as sleep } from 'node:timers/promises';
import type { RuntimeAdapter, RuntimeDeployRequest, RuntimeDeployResult, RuntimeLog } from './runtime-adapter.ts';
import { errorMessage, RuntimeAbortedError, runtimeAborted } from './runtime-errors.ts';
import { buildEffectiveEnv, describeEnvSources, redactValues } from './runtime-env.ts';
import type { SecretsProvider } from './secrets-provider.ts';

export type RuntimeApi = 'push' | 'supervisor';

export type HttpRuntimeOptions = {
  /** Base URL of the runtime's management API (no trailing slash needed). */
  url: string;
  token?: string;
  api?: RuntimeApi;
  /** Give up when the runtime has not reported healthy/running after this long (RUNTIME_HEALTH_TIMEOUT_SECONDS). */
  healthTimeoutSeconds: number;
  /** Status polling interval (RUNTIME_POLL_INTERVAL_MS). */
  pollIntervalMs: number;
  secretsProvider?: SecretsProvider;
  /** Retries after a network error (default 3), the first after retryDelayMs (default 500), doubling. */
  retries?: number;
  retryDelayMs?: number;
  /** Timeout of each HTTP request (default 30 s). */
  requestTimeoutMs?: number;
};

/** Default surfaces of a PAR deployment: everything multiplexed on the standard ports. */
export const DEFAULT_SURFACES = { mode: 'multiplex', ports: { rest: 8080, a2a: 50051, ui: 3000 } } as const;

const MAX_ERROR_TEXT = 300;
/** Management API answers are small; anything beyond this is cut (and the connection released). */
const MAX_RESPONSE_BYTES = 64 * 1024;
const RETRYABLE_STATUS = new Set([502, 503, 504]);

type Answer = { status: number; text: string; json: unknown };

export class HttpRuntime implements RuntimeAdapter {
  readonly kind = 'http' as const;
  readonly url: string;
  readonly api: RuntimeApi;
  readonly #token: string | undefined;
  readonly #healthTimeoutSeconds: number;
  readonly #pollIntervalMs: number;
  readonly #secretsProvider: SecretsProvider | undefined;
  readonly #retries: number;
  readonly #retryDelayMs: number;
  readonly #requestTimeoutMs: number;

  constructor(options: HttpRuntimeOptions) {
    this.url = options.url.replace(/\/+$/, '');
    this.api = options.api ?? 'push';
    this.#token = options.token;
    this.#healthTimeoutSeconds = options.healthTimeoutSeconds;
    this.#pollIntervalMs = options.pollIntervalMs;
    this.#secretsProvider = options.secretsProvider;
    this.#retries = options.retries ?? 3;
    this.#retryDelayMs = options.retryDelayMs ?? 500;
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  }

  async deploy(request: RuntimeDeployRequest, log: RuntimeLog, signal: AbortSignal): Promise<RuntimeDeployResult> {
    const ctx: CallContext = { signal, secrets: [...Object.values(request.env), this.#token] };
    try {
      if (signal.aborted) throw this.#aborted(signal);
      let providerEnv: Record<string, string> = {};
      if (this.#secretsProvider) {
        try {
          providerEnv = await this.#secretsProvider.load(signal);
        } catch (err) {
          if (signal.aborted) throw err;
          throw new Error(`Could not load secrets from the ${this.#secretsProvider.kind} secrets provider: ${errorMessage(err)}`, { cause: err });
        }
        log('info', `Secrets provider (${this.#secretsProvider.kind}): ${Object.keys(providerEnv).length} variables`);
      }
      const env = buildEffectiveEnv({ deployment: request.env, deploymentSources: request.envSources, provider: providerEnv });
      ctx.secrets.push(...Object.values(env.values));
      log('info', `${describeEnvSources(env.sources)} (the runtime adds the package .env and its base environment)`);

      if (this.api === 'supervisor') await this.#deploySupervisor(request, env.values, log, ctx);
      else await this.#deployPush(request, env.values, log, ctx);
      return { location: `${this.url}/agents/${encodeURIComponent(request.agentAppId)}`, envSources: { ...env.sources } };
    } catch (err) {
      if (signal.aborted && !(err instanceof RuntimeAbortedError)) throw this.#aborted(signal);
      throw err;
    }
  }

  async check(): Promise<void> {
    const signal = new AbortController().signal;
    const answer = await this.#call('GET', '/health', undefined, { signal, secrets: [this.#token], retries: 0, timeoutMs: Math.min(this.#requestTimeoutMs, 5000) });
    if (!ok(answer)) throw new Error(`Runtime health check failed: ${this.#describeFailure('GET', '/health', answer, [this.#token])}`);
  }

  // --- push API --------------------------------------------------------------------------------

  async #deployPush(request: RuntimeDeployRequest, env: Record<string, string>, log: RuntimeLog, ctx: CallContext): Promise<void> {
    const body = {
      deploymentId: request.deploymentId,
      agentAppId: request.agentAppId,
      orgId: request.orgId,
      version: request.version,
      packageUrl: request.packageUrl,
      packageSha256: request.packageSha256,
      env,
      forceRefresh: false,
      surfaces: DEFAULT_SURFACES,
    };
    log('info', `Sending deployment to the runtime at ${this.url} (push API)`);
    const accepted = await this.#call('POST', '/deploy', body, { ...ctx, idempotencyKey: request.deploymentId });
    if (!ok(accepted)) throw new Error(`Runtime rejected the deployment: ${this.#describeFailure('POST', '/deploy', accepted, ctx.secrets)}`);
    log('info', `Runtime accepted the deployment (HTTP ${accepted.status}); waiting for it to report healthy`);

    const statusPath = `/deployments/${encodeURIComponent(request.deploymentId)}/health`;
    await this.#poll(statusPath, log, ctx, (json) => {
      const status = stringField(json, 'status');
      const message = stringField(json, 'message');
      if (json !== null && typeof json === 'object' && (json as { healthy?: unknown }).healthy === true && status === 'healthy') return { done: true, status, message };
      if (status === 'failed') return { failed: true, status, message };
      return { status, message };
    });
  }

  // --- supervisor API --------------------------------------------------------------------------

  async #deploySupervisor(request: RuntimeDeployRequest, env: Record<string, string>, log: RuntimeLog, ctx: CallContext): Promise<void> {
    const body = {
      agent_app_id: request.agentAppId,
      deployment_id: request.deploymentId,
      package_url: request.packageUrl,
      package_sha256: request.packageSha256,
      version: request.version,
      org_id: request.orgId,
      env,
    };
    const agentPath = `/agents/${encodeURIComponent(request.agentAppId)}`;
    const create = async () => ({ method: 'POST' as const, path: '/agents', answer: await this.#call('POST', '/agents', body, { ...ctx, idempotencyKey: request.deploymentId }) });
    const update = async () => ({ method: 'PUT' as const, path: agentPath, answer: await this.#call('PUT', agentPath, body, { ...ctx, idempotencyKey: request.deploymentId }) });

    log('info', `Sending deployment to the runtime supervisor at ${this.url} (${request.isUpdate ? 'update' : 'first install'})`);
    let sent = request.isUpdate ? await update() : await create();
    // The runtime knows better than our isUpdate flag (e.g. after a runtime was rebuilt).
    if (sent.method === 'POST' && sent.answer.status === 409) {
      log('info', 'The runtime already has this agent; updating it instead');
      sent = await update();
    } else if (sent.method === 'PUT' && sent.answer.status === 404) {
      log('info', 'The runtime does not have this agent yet; installing it instead');
      sent = await create();
    }
    if (!ok(sent.answer)) throw new Error(`Runtime rejected the deployment: ${this.#describeFailure(sent.method, sent.path, sent.answer, ctx.secrets)}`);
    log('info', `Runtime accepted the deployment (HTTP ${sent.answer.status}); waiting for the agent to run`);

    await this.#poll(`${agentPath}/status`, log, ctx, (json) => {
      const status = stringField(json, 'status');
      const message = stringField(json, 'message') ?? stringField(json, 'error');
      const deploymentId = stringField(json, 'deployment_id');
      // A status still describing an earlier deployment of the app is not ours yet.
      if (deploymentId !== undefined && deploymentId !== request.deploymentId) return { status: `${status ?? 'unknown'} (previous deployment)`, message };
      if (status === 'running') return { done: true, status, message };
      if (status === 'failed') return { failed: true, status, message };
      return { status, message };
    });
  }

  // --- polling and HTTP ------------------------------------------------------------------------

  async #poll(
    statusPath: string,
    log: RuntimeLog,
    ctx: CallContext,
    judge: (json: unknown) => { done?: boolean; failed?: boolean; status: string | undefined; message: string | undefined },
  ): Promise<void> {
    const deadline = Date.now() + this.#healthTimeoutSeconds * 1000;
    let lastReport = '';
    for (;;) {
      const answer = await this.#call('GET', statusPath, undefined, ctx);
      if (ok(answer)) {
        const verdict = judge(answer.json);
        const message = verdict.message ? this.#clean(verdict.message, ctx.secrets) : undefined;
        const report = `Runtime status: ${verdict.status ?? 'unknown'}${message ? ` (${message})` : ''}`;
        if (report !== lastReport) log(verdict.failed ? 'error' : 'info', report);
        lastReport = report;
        if (verdict.done) return;
        if (verdict.failed) throw new Error(`Runtime reported the deployment failed: ${message ?? 'no message given'}`);
      } else if (answer.status === 404) {
        // Not registered yet (the runtime may still be accepting the deployment): keep polling.
        if (lastReport !== 'not-found') log('info', 'Runtime does not report this deployment yet');
        lastReport = 'not-found';
      } else {
        throw new Error(`Runtime status check failed: ${this.#describeFailure('GET', statusPath, answer, ctx.secrets)}`);
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`Runtime did not report healthy within ${this.#healthTimeoutSeconds} s`);
      await this.#sleep(Math.min(this.#pollIntervalMs, remaining), ctx.signal);
    }
  }

  /** One request, retried on network errors and 502/503/504 (the last such answer is returned). */
  async #call(method: string, pathname: string, body: unknown, ctx: CallContext & { idempotencyKey?: string; retries?: number; timeoutMs?: number }): Promise<Answer> {
    const retries = ctx.retries ?? this.#retries;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.#token) headers.authorization = `Bearer ${this.#token}`;
    if (ctx.idempotencyKey) headers['idempotency-key'] = ctx.idempotencyKey;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const payload = body === undefined ? undefined : JSON.stringify(body);

    for (let attempt = 0; ; attempt++) {
      if (ctx.signal.aborted) throw this.#aborted(ctx.signal);
      try {
        const response = await fetch(this.url + pathname, {
          method,
          headers,
          body: payload,
          signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(ctx.timeoutMs ?? this.#requestTimeoutMs)]),
          redirect: 'error',
        });
        const text = await readBounded(response, MAX_RESPONSE_BYTES);
        const answer: Answer = { status: response.status, text, json: parseJson(text) };
        if (!RETRYABLE_STATUS.has(response.status) || attempt >= retries) return answer;
      } catch (err) {
        if (ctx.signal.aborted) throw this.#aborted(ctx.signal);
        if (attempt >= retries) {
          throw new Error(`Could not reach the runtime at ${this.url} (${method} ${pathname}): ${this.#clean(describeNetworkError(err), ctx.secrets)}`, { cause: err });
        }
      }
      await this.#sleep(this.#retryDelayMs * 2 ** attempt, ctx.signal);
    }
  }

  async #sleep(ms: number, signal: AbortSignal): Promise<void> {
    try {
      await sleep(ms, undefined, { signal });
    } catch {
      throw this.#aborted(signal);
    }
  }

  #aborted(signal: AbortSignal): RuntimeAbortedError {
    return runtimeAborted(signal, 'Deployment to the runtime');
  }

  #describeFailure(method: string, pathname: string, answer: Answer, secrets: (string | undefined)[]): string {
    const detail = errorText(answer);
    return `HTTP ${answer.status} from ${method} ${pathname}${detail ? `: ${this.#clean(detail, secrets)}` : ''}`;
  }

  /** Redacts secret values, collapses whitespace and truncates. */
  #clean(text: string, secrets: (string | undefined)[]): string {
    const oneLine = redactValues(text, secrets).replace(/\s+/g, ' ').trim();
    return oneLine.length > MAX_ERROR_TEXT ? `${oneLine.slice(0, MAX_ERROR_TEXT)}…` : oneLine;
  }
}

type CallContext = { signal: AbortSignal; secrets: (string | undefined)[] };

function ok(answer: Answer): boolean {
  return answer.status >= 200 && answer.status < 300;
}

async function readBounded(response: Response, maxBytes: number): Promise<string> {
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
    if (size >= maxBytes) {
      await reader.cancel().catch(() => undefined);
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, maxBytes).toString('utf8');
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function stringField(json: unknown, key: string): string | undefined {
  if (json === null || typeof json !== 'object') return undefined;
  const value = (json as Record<string, unknown>)[key];
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** The runtime's error text: `error`, `message` or FastAPI's `detail` of a JSON body, else the raw text. */
function errorText(answer: Answer): string {
  const json = answer.json;
  if (json !== null && typeof json === 'object') {
    const record = json as Record<string, unknown>;
    for (const key of ['error', 'message', 'detail']) {
      const value = record[key];
      if (typeof value === 'string' && value.trim() !== '') return value;
      if (Array.isArray(value)) {
        const parts = value.map((v) => (typeof v === 'string' ? v : stringField(v, 'msg') ?? '')).filter(Boolean);
        if (parts.length > 0) return parts.join('; ');
      }
    }
  }
  return answer.text;
}

function describeNetworkError(err: unknown): string {
  const cause = (err as { cause?: unknown })?.cause;
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  if (err instanceof Error && err.name === 'TimeoutError') return 'the request timed out';
  if (code) return `${code}${cause instanceof Error && cause.message ? ` (${cause.message})` : ''}`;
  return errorMessage(cause instanceof Error ? cause : err);
}
