// Shared helpers of the benchmarks: start the real server as a child process, sample its RSS, and
// sign up an organization with an API key.
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '..');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export type Server = { url: string; child: ChildProcess; stop(): Promise<void>; rssBytes(): number };

export async function startServer(env: Record<string, string>): Promise<Server> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // BENCH_NODE_ARGS: Node flags for the server processes only (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
  const nodeArgs = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, 'server/main.ts'], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'warn', PORT: String(port), PUBLIC_URL: url, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.once('exit', (code, signal) => {
    if (!stopping) console.error(`server ${url} exited unexpectedly (code ${code}, signal ${signal})`);
  });
  let stopping = false;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) break;
    } catch {
      // not up yet
    }
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error('server did not start');
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    child,
    rssBytes: () => {
      // 0 once the process is gone (a sampler timer must not crash the benchmark before cleanup).
      if (child.exitCode !== null || child.signalCode !== null) return 0;
      let status: string;
      try {
        status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
      } catch {
        return 0;
      }
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      return kb * 1024;
    },
    async stop() {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

/**
 * Environment of a benchmark server on PostgreSQL: its own data folder and encryption key, no
 * e-mail verification, no inline deployment worker, and rate limits too high to refuse anything.
 */
export function postgresServerEnv(databaseUrl: string, dataDir: string): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    DATA_DIR: path.join(dataDir, 'data'),
    REQUIRE_EMAIL_VERIFICATION: 'false',
    DEPLOYMENT_WORKER: 'off',
    SECRETS_ENCRYPTION_KEY: crypto.randomBytes(32).toString('base64'),
    RATE_LIMIT_AUTHENTICATED_PER_HOUR: '1000000000',
    RATE_LIMIT_ANONYMOUS_PER_HOUR: '1000000000',
  };
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export async function signUpWithKey(url: string, credits = true): Promise<{ key: string; token: string }> {
  const email = `bench-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`;
  const password = 'bench-password-123';
  const signup = await fetch(`${url}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password, organizationName: 'Bench' }),
  });
  if (signup.status !== 201) throw new Error(`signup ${signup.status}: ${await signup.text()}`);
  const login = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  const { session } = (await login.json()) as { session: { access_token: string } };
  const keyRes = await fetch(`${url}/api/api-keys`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${session.access_token}` }, body: JSON.stringify({ name: 'bench' }) });
  const { apiKey } = (await keyRes.json()) as { apiKey: { key: string } };
  void credits;
  return { key: apiKey.key, token: session.access_token };
}

export const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

/** Percentile (0–100) of a list of numbers (nearest rank). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** Median of a list of numbers (nearest rank, as percentile). */
export const median = (values: number[]): number => percentile(values, 50);

/** The PostgreSQL server of the benchmarks (BENCH_DATABASE_URL, else TEST_DATABASE_URL), or undefined. */
export function benchAdminUrl(): string | undefined {
  return process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
}

/** Creates a fresh database on the benchmark server; drop() removes it (with force). */
export async function createBenchDatabase(adminUrl: string, prefix = 'pixell_bench'): Promise<{ url: string; drop(): Promise<void> }> {
  const { default: postgres } = await import('postgres');
  const name = `${prefix}_${Math.random().toString(16).slice(2, 10)}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/** JSON request with a Bearer token; throws unless the status is the expected one. */
export async function api<T = unknown>(url: string, key: string, method: string, path: string, body?: unknown, expect = 200): Promise<T> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status !== expect) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}
