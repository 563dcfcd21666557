// One database handle for both drivers: PGlite (embedded default, stored in DATA_DIR) and
// PostgreSQL through postgres.js (DATABASE_URL). Domain code only sees `Db`.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql, type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import * as schema from './schema/index.ts';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** A transaction or the database itself: domain helpers accept either. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

export const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export type DatabaseHandle = {
  kind: 'pglite' | 'postgres';
  db: Db;
  /** Applies the committed migrations (once across processes on PostgreSQL: advisory lock). */
  migrate(): Promise<void>;
  /** LISTEN on a channel; resolves to an unsubscribe function. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  /** Cheap liveness probe used by /api/health. */
  ping(): Promise<void>;
  close(): Promise<void>;
};

export type DatabaseOptions =
  | { kind: 'pglite'; dataDir?: string /* undefined = in memory */ }
  | { kind: 'postgres'; url: string; poolSize?: number };

const MIGRATION_LOCK_ID = 7_482_001;

type Sql = postgres.Sql;
type TxSql = postgres.TransactionSql;

/**
 * drizzle runs every query that was not `.prepare()`d with `{ prepare: false }`, and postgres.js then
 * sends a query with parameters as Parse/Describe, waits for the parameter types, and only then
 * sends Bind/Execute: two round trips (and two socket writes) per statement. With named statements
 * postgres.js prepares each distinct statement once per connection and every later run is one
 * round trip. This view of the client asks for named statements everywhere, also inside
 * transactions and savepoints (drizzle reaches them through `begin`/`savepoint`). postgres.js
 * re-prepares by itself when a migration invalidates a cached plan.
 */
export function namedStatements<T extends Sql | TxSql>(client: T): T {
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === 'unsafe') {
        return (query: string, params?: never[], options?: postgres.UnsafeQueryOptions) => target.unsafe(query, params, { ...options, prepare: true });
      }
      if (prop === 'begin' || prop === 'savepoint') {
        const original = Reflect.get(target, prop, receiver) as (...args: unknown[]) => unknown;
        return (...args: unknown[]) => {
          const fn = args.pop() as (tx: TxSql) => unknown;
          return original.call(target, ...args, (tx: TxSql) => fn(namedStatements(tx)));
        };
      }
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
}

export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  if (options.kind === 'pglite') {
    if (options.dataDir) fs.mkdirSync(options.dataDir, { recursive: true });
    const client = await PGlite.create(options.dataDir);
    const db = drizzlePglite({ client, schema }) as unknown as Db;
    return {
      kind: 'pglite',
      db,
      migrate: () => migratePglite(db as never, { migrationsFolder }),
      async listen(channel, onPayload) {
        const unsubscribe = await client.listen(channel, onPayload);
        return async () => unsubscribe();
      },
      async ping() {
        await client.query('select 1');
      },
      close: () => client.close(),
    };
  }

  const client = postgres(options.url, {
    max: options.poolSize ?? 10,
    onnotice: () => {},
    connect_timeout: 10,
    // Delay before reconnecting after failed attempts. postgres.js's default grows to 20 s, so that
    // during an outage queued queries waited that long for their 503 and, once the database was
    // back, the server stayed unhealthy for up to 20 s more. Capped at 1 s instead.
    backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 1),
  });
  const db = drizzlePostgres({ client: namedStatements(client), schema }) as unknown as Db;
  return {
    kind: 'postgres',
    db,
    async migrate() {
      // A dedicated single connection holds the advisory lock while the migrator runs on it, so
      // that several processes starting together apply the migrations exactly once.
      const conn = postgres(options.url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
      try {
        await conn`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
        try {
          await migratePostgres(drizzlePostgres({ client: conn, schema }), { migrationsFolder });
        } finally {
          await conn`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`;
        }
      } finally {
        await conn.end({ timeout: 5 });
      }
    },
    async listen(channel, onPayload) {
      const sub = await client.listen(channel, (p) => onPayload(p));
      return () => sub.unlisten();
    },
    async ping() {
      await client`select 1`;
    },
    close: () => client.end({ timeout: 5 }),
  };
}

/** Runs raw SQL and returns its rows, whatever the driver's result shape. */
export async function queryRows<T extends Record<string, unknown>>(db: DbOrTx, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown;
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

/** NOTIFY inside the current transaction (delivered on commit). Payloads are ids only. */
export async function notify(db: DbOrTx, channel: string, payload: string): Promise<void> {
  await db.execute(sql`select pg_notify(${channel}, ${payload})`);
}

export { schema };
