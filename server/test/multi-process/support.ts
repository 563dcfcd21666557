// Shared pieces of the multi-process tests: a fresh PostgreSQL database per file (its URL, so that
// spawned servers can use it), fixtures inserted directly, a request helper, an incremental SSE
// reader, bounded polling, the ledger invariant and a throw-away PostgreSQL cluster under the test's
// control.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { openDatabase, queryRows, type DatabaseHandle, type Db } from '../../../db/client.ts';
import { apiKeys, creditTransactions, memberships, organizations, users } from '../../../db/schema/index.ts';
import { buildApkg } from '../../apkg/testing/build-apkg.ts';
import { hashPassword } from '../../domain/auth/password.ts';
import { randomBase62, sha256Hex } from '../../domain/tokens.ts';
import { freePort } from '../spawn-server.ts';

/** TEST_DB=postgres (with TEST_DATABASE_URL): the server suites' second run, on PostgreSQL. */
export const usingPostgres = process.env.TEST_DB === 'postgres';

export type TestDatabase = {
  /** postgres:// URL of the new, empty (not migrated) database. */
  url: string;
  name: string;
  /** Drops the database (closing every connection still open on it). */
  drop(): Promise<void>;
};

/** Creates an empty database on TEST_DATABASE_URL's server; the servers under test migrate it. */
export async function createTestDatabase(adminUrl = process.env.TEST_DATABASE_URL): Promise<TestDatabase> {
  if (!adminUrl) throw new Error('TEST_DB=postgres needs TEST_DATABASE_URL');
  const name = `pixell_mp_${crypto.randomBytes(6).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const a = postgres(adminUrl, { max: 1, onnotice: () => {} });
      try {
        await a.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await a.end();
      }
    },
  };
}

/** A small connection of the test itself, for fixtures and assertions (no migration). */
export function connect(url: string): Promise<DatabaseHandle> {
  return openDatabase({ kind: 'postgres', url, poolSize: 3 });
}

/** Variables every server process of one deployment must share (explicit secrets, one DATA_DIR). */
export function sharedEnv(opts: { databaseUrl: string; dataDir: string }): Record<string, string> {
  return {
    DATABASE_URL: opts.databaseUrl,
    DATABASE_POOL_SIZE: '5',
    DATA_DIR: opts.dataDir,
    SECRETS_ENCRYPTION_KEY: SHARED_ENCRYPTION_KEY,
    DOWNLOAD_URL_SECRET: SHARED_DOWNLOAD_SECRET,
    REQUIRE_EMAIL_VERIFICATION: 'false',
    // Readiness and outage polling hit /api/health anonymously from one IP.
    RATE_LIMIT_ANONYMOUS_PER_HOUR: '1000000',
  };
}
const SHARED_ENCRYPTION_KEY = crypto.randomBytes(32).toString('base64');
const SHARED_DOWNLOAD_SECRET = crypto.randomBytes(32).toString('hex');

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export type OrgFixture = { orgId: string; userId: string; email: string; password: string; key: string };

/** Inserts a verified owner, an organization with a signup grant in the ledger, and an API key. */
export async function createOrgWithKey(db: Db, opts: { credits?: number; password?: string } = {}): Promise<OrgFixture> {
  const credits = opts.credits ?? 100;
  const password = opts.password ?? 'correct horse battery';
  const email = `mp-${crypto.randomBytes(5).toString('hex')}@example.com`;
  const [user] = await db.insert(users).values({ email, passwordHash: await hashPassword(password), emailVerifiedAt: new Date() }).returning();
  const [org] = await db.insert(organizations).values({ name: `Org of ${email}`, credits }).returning();
  await db.insert(creditTransactions).values({ orgId: org.id, type: 'grant', amount: credits, balanceAfter: credits, description: 'Signup credits' });
  await db.insert(memberships).values({ orgId: org.id, userId: user.id, role: 'owner' });
  await db.update(users).set({ defaultOrgId: org.id }).where(eq(users.id, user.id));
  const key = `pac_${randomBase62(40)}`;
  await db.insert(apiKeys).values({ orgId: org.id, name: 'multi-process', keyHash: sha256Hex(key), keyPreview: `${key.slice(0, 12)}…`, createdBy: user.id });
  return { orgId: org.id, userId: user.id, email, password, key };
}

export type Reply = { status: number; headers: Headers; body: any; text: string };

/** fetch against one server; `json` is serialized, `token` becomes a Bearer header. */
export async function api(
  base: { url: string },
  pathname: string,
  init: { method?: string; json?: unknown; body?: BodyInit; token?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  const res = await fetch(base.url + pathname, {
    method: init.method ?? 'GET',
    headers,
    body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
    redirect: 'manual',
    signal: AbortSignal.timeout(20_000),
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, body, text };
}

/** The multipart body of POST /api/agent-apps/:id/packages/deploy for a freshly built package. */
export async function deployForm(version: string): Promise<FormData> {
  const form = new FormData();
  form.append('version', version);
  form.append('file', new Blob([new Uint8Array(await buildApkg({ version }))], { type: 'application/octet-stream' }), 'agent.apkg');
  return form;
}

export type SseEvent = { id: string; event: string; data: any };

/** Reads a text/event-stream incrementally: next() resolves with the next event (heartbeats skipped). */
export class SseReader {
  readonly events: SseEvent[] = [];
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  #decoder = new TextDecoder();
  #buffer = '';
  #pending: Promise<ReadableStreamReadResult<Uint8Array>> | undefined;
  #abort: AbortController;

  private constructor(reader: ReadableStreamDefaultReader<Uint8Array>, abort: AbortController) {
    this.#reader = reader;
    this.#abort = abort;
  }

  static async open(url: string, headers: Record<string, string>): Promise<{ status: number; contentType: string | null; reader: SseReader }> {
    const abort = new AbortController();
    const res = await fetch(url, { headers, signal: abort.signal });
    if (!res.body) throw new Error('no response body');
    return { status: res.status, contentType: res.headers.get('content-type'), reader: new SseReader(res.body.getReader(), abort) };
  }

  /** The next event, or null when the stream ended; rejects after `timeoutMs`. */
  async next(timeoutMs = 30_000): Promise<SseEvent | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const idx = this.#buffer.indexOf('\n\n');
      if (idx !== -1) {
        const block = this.#buffer.slice(0, idx);
        this.#buffer = this.#buffer.slice(idx + 2);
        if (block.startsWith(':')) continue;
        const e: SseEvent = { id: '', event: 'message', data: null };
        for (const line of block.split('\n')) {
          if (line.startsWith('id: ')) e.id = line.slice(4);
          else if (line.startsWith('event: ')) e.event = line.slice(7);
          else if (line.startsWith('data: ')) e.data = JSON.parse(line.slice(6));
        }
        this.events.push(e);
        return e;
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`no event within ${timeoutMs} ms; got ${this.events.map((e) => e.event).join(', ')}`);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), remaining)));
      // A read still pending after a timeout is kept for the next call (its chunk is not lost).
      this.#pending ??= this.#reader.read();
      const chunk = await Promise.race([this.#pending, timeout]);
      clearTimeout(timer);
      if (chunk === 'timeout') continue;
      this.#pending = undefined;
      if (chunk.done) return null;
      this.#buffer += this.#decoder.decode(chunk.value, { stream: true });
    }
  }

  /** Reads until the `end` event (included) or the end of the stream; returns everything read so far. */
  async readToEnd(timeoutMs = 30_000): Promise<SseEvent[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const e = await this.next(Math.max(1, deadline - Date.now()));
      if (e === null || e.event === 'end') return this.events;
    }
  }

  close(): void {
    this.#abort.abort();
  }
}

/** Polls `probe` until it returns something other than undefined/false; bounded, never a fixed sleep. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, opts: { timeoutMs?: number; intervalMs?: number } = {}): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 100));
  }
}

/** Organizations whose balance differs from the sum of their ledger (should be none). */
export async function ledgerMismatches(db: Db): Promise<{ id: string; credits: number; ledger: number }[]> {
  const rows = await queryRows<{ id: string; credits: number; ledger: string }>(
    db,
    sql`select o.id, o.credits, coalesce((select sum(t.amount) from credit_transactions t where t.org_id = o.id), 0) as ledger
        from organizations o`,
  );
  return rows.map((r) => ({ id: r.id, credits: Number(r.credits), ledger: Number(r.ledger) })).filter((r) => r.credits !== r.ledger);
}

// --- a throw-away PostgreSQL cluster the test can stop and start ----------------------------------

/** The newest /usr/lib/postgresql/<version>/bin with initdb, or undefined. */
export function postgresBinDir(): string | undefined {
  const base = '/usr/lib/postgresql';
  if (!fs.existsSync(base)) return undefined;
  const versions = fs
    .readdirSync(base)
    .filter((v) => fs.existsSync(path.join(base, v, 'bin', 'initdb')))
    .sort((a, b) => Number.parseFloat(a) - Number.parseFloat(b));
  const newest = versions.at(-1);
  return newest ? path.join(base, newest, 'bin') : undefined;
}

export type Cluster = {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  port: number;
  stop(mode?: 'fast' | 'immediate'): void;
  start(): void;
  /** Stops the server (immediate) and removes its data directory. */
  destroy(): void;
};

/** initdb + pg_ctl start on a free port (as the postgres user when running as root, like .ci/postgres.sh). */
export async function startThrowawayCluster(bin: string): Promise<Cluster> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pixell-mp-pg-'));
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) => {
    const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', path.join(bin, cmd), ...args]] : [path.join(bin, cmd), args];
    const r = spawnSync(file, argv, { encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr || r.stdout}`);
  };
  if (asRoot) {
    const chown = spawnSync('chown', ['postgres:postgres', dataDir]);
    if (chown.status !== 0) throw new Error(`chown failed: ${chown.stderr}`);
  }
  run('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const options = `-p ${port} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  const start = () => run('pg_ctl', ['-D', dataDir, '-l', path.join(dataDir, 'server.log'), '-w', '-o', options, 'start']);
  const stop = (mode: 'fast' | 'immediate' = 'fast') => run('pg_ctl', ['-D', dataDir, '-m', mode, '-w', 'stop']);
  start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    start,
    stop,
    destroy() {
      try {
        stop('immediate');
      } catch {
        // already stopped
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
