// Test harness: the real Express app over a real database — PGlite in memory by default, or a fresh
// PostgreSQL database per harness when TEST_DB=postgres and TEST_DATABASE_URL are set.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { eq } from 'drizzle-orm';
import postgres from 'postgres';
import { openDatabase, type DatabaseHandle, type Db } from '../../db/client.ts';
import { apiKeys, creditTransactions, memberships, organizations, users, type Role } from '../../db/schema/index.ts';
import { appUsageRecorder, createApp } from '../app.ts';
import { loadConfig, type Config } from '../config.ts';
import { createUserSession } from '../domain/auth/session-store.ts';
import { hashPassword } from '../domain/auth/password.ts';
import type { Services } from '../domain/context.ts';
import { randomBase62, sha256Hex } from '../domain/tokens.ts';
import { createLogger } from '../log.ts';
import { createServices } from '../services.ts';
import { assertDocumentedResponse } from '../rest/openapi/validate-response.ts';

export const usingPostgres = process.env.TEST_DB === 'postgres';

/** Opens an empty, migrated database for one test file. */
export async function openTestDatabase(): Promise<DatabaseHandle & { drop(): Promise<void> }> {
  if (!usingPostgres) {
    const handle = await openDatabase({ kind: 'pglite' });
    await handle.migrate();
    return { ...handle, drop: () => handle.close() };
  }
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error('TEST_DB=postgres needs TEST_DATABASE_URL');
  const name = `pixell_test_${crypto.randomBytes(6).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ kind: 'postgres', url: url.toString(), poolSize: 5 });
  await handle.migrate();
  return {
    ...handle,
    async drop() {
      await handle.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

export type TestApp = {
  baseUrl: string;
  origin: string;
  services: Services;
  db: Db;
  database: DatabaseHandle;
  config: Config;
  /** Every log line the app wrote, as raw JSON text. */
  logs: string[];
  /** fetch against the app; `json` bodies are serialized. */
  request(pathname: string, init?: RequestOptions): Promise<TestResponse>;
  close(): Promise<void>;
};

export type RequestOptions = Omit<RequestInit, 'body' | 'headers'> & {
  json?: unknown;
  body?: BodyInit;
  headers?: Record<string, string>;
  /** Bearer token (API key or session access token). */
  token?: string;
  /** Session cookie value. */
  cookie?: string;
};

export type TestResponse = { status: number; headers: Headers; body: any; text: string };

export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pixell-test-'));
  const database = await openTestDatabase();
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    PORT: String(port),
    LOG_LEVEL: 'info',
    ...env,
  });
  const log = createLogger(config.logLevel, sink);
  const services = createServices(config, database, log);
  const app = createApp({ services, database, spaDir: path.join(dataDir, 'no-spa') });
  server.on('request', app);
  const baseUrl = `http://127.0.0.1:${port}`;

  async function request(pathname: string, init: RequestOptions = {}): Promise<TestResponse> {
    const { json, token, cookie, headers = {}, ...rest } = init;
    const h: Record<string, string> = { ...headers };
    if (json !== undefined) h['content-type'] ??= 'application/json';
    if (token) h.authorization = `Bearer ${token}`;
    if (cookie) h.cookie = `pixell_session=${cookie}`;
    const res = await fetch(baseUrl + pathname, { ...rest, headers: h, body: json !== undefined ? JSON.stringify(json) : rest.body, redirect: 'manual' });
    const text = await res.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    // Every answer of a REST route must be the documented one (status and body schema): the OpenAPI
    // document is generated from the same registry, so it cannot drift from what the server does.
    assertDocumentedResponse({ method: rest.method ?? 'GET', url: pathname, status: res.status, contentType: res.headers.get('content-type'), text });
    return { status: res.status, headers: res.headers, body, text };
  }

  return {
    baseUrl,
    origin: config.publicUrl,
    services,
    db: database.db,
    database,
    config,
    logs,
    request,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await appUsageRecorder(app).stop().catch(() => undefined);
      await database.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

let counter = 0;
export function uniqueEmail(prefix = 'user'): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}@example.com`;
}

export type Fixture = {
  userId: string;
  email: string;
  password: string;
  orgId: string;
  role: Role;
  /** Session access token (Bearer or cookie value). */
  token: string;
};

/**
 * Inserts a verified user with an organization (or joins `orgId` with `role`) directly, and opens a
 * session. For tests of other areas; the signup flow itself is tested through its route.
 */
export async function createUserFixture(
  t: TestApp,
  opts: { email?: string; password?: string; orgId?: string; orgName?: string; role?: Role; credits?: number; verified?: boolean } = {},
): Promise<Fixture> {
  const email = (opts.email ?? uniqueEmail()).toLowerCase();
  const password = opts.password ?? 'correct horse battery';
  const [user] = await t.db
    .insert(users)
    .values({ email, passwordHash: await hashPassword(password), emailVerifiedAt: opts.verified === false ? null : new Date() })
    .returning();
  let orgId = opts.orgId;
  const role: Role = opts.role ?? (orgId ? 'member' : 'owner');
  if (!orgId) {
    const credits = opts.credits ?? 100;
    const [org] = await t.db.insert(organizations).values({ name: opts.orgName ?? `Org of ${email}`, credits }).returning();
    orgId = org.id;
    await t.db.insert(creditTransactions).values({ orgId, type: 'grant', amount: credits, balanceAfter: credits, description: 'Signup credits' });
  }
  await t.db.insert(memberships).values({ orgId, userId: user.id, role });
  await t.db.update(users).set({ defaultOrgId: orgId }).where(eq(users.id, user.id));
  const session = await createUserSession(t.db, t.services.lucia, { userId: user.id, activeOrgId: orgId, rememberMe: false, now: new Date() });
  return { userId: user.id, email, password, orgId, role, token: session.accessToken };
}

/** Inserts an API key for an organization directly and returns the secret. */
export async function createApiKeyFixture(t: TestApp, owner: Fixture, name = 'Test key'): Promise<{ id: string; key: string }> {
  const key = `pac_${randomBase62(40)}`;
  const [row] = await t.db
    .insert(apiKeys)
    .values({ orgId: owner.orgId, name, keyHash: sha256Hex(key), keyPreview: `${key.slice(0, 12)}…`, createdBy: owner.userId })
    .returning();
  return { id: row.id, key };
}
