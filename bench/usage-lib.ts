// The common setup of the usage benchmarks (usage-chart, usage-export): a fresh PostgreSQL database,
// the real server on it, an organization signed up with an API key, four agent apps created with the
// session (REST calls with a session are not recorded as API calls), and a postgres.js client on the
// same database for seeding (usage-seed.ts) and for the same-run baseline. Everything is removed
// afterwards, whatever happens. Without BENCH_DATABASE_URL / TEST_DATABASE_URL it prints a skip line
// and exits 0.
import fs from 'node:fs';
import postgres, { type Sql } from 'postgres';
import { api, benchAdminUrl, createBenchDatabase, postgresServerEnv, signUpWithKey, startServer, tempDir, type Server } from './lib.ts';
import type { SeedApp } from './usage-seed.ts';

export type UsageBench = {
  server: Server;
  /** postgres.js on the benchmark's database (one connection). */
  sql: Sql;
  /** An API key of the organization, and a session token of its owner. */
  key: string;
  token: string;
  orgId: string;
  apps: SeedApp[];
};

const APP_NAMES = ['support-bot', 'sales-assistant', 'code-reviewer', 'data-analyst'];

/** Runs `body` against a fresh server and database named after `name` ('chart' → pixell_bench_chart_…). */
export async function runUsageBench(name: string, body: (bench: UsageBench) => Promise<void>): Promise<void> {
  const adminUrl = benchAdminUrl();
  if (!adminUrl) {
    console.log(`usage-${name} benchmark skipped: set BENCH_DATABASE_URL (or TEST_DATABASE_URL) to a PostgreSQL server`);
    process.exit(0);
  }
  const database = await createBenchDatabase(adminUrl, `pixell_bench_${name}`);
  const dataDir = tempDir(`pixell-bench-${name}-`);
  let server: Server | undefined;
  const sql = postgres(database.url, { max: 1, onnotice: () => {} });
  try {
    server = await startServer(postgresServerEnv(database.url, dataDir));
    const { key, token } = await signUpWithKey(server.url);
    const apps: SeedApp[] = [];
    for (const appName of APP_NAMES) {
      const { app } = await api<{ app: SeedApp }>(server.url, token, 'POST', '/api/agent-apps', { name: appName }, 201);
      apps.push({ id: app.id, name: app.name });
    }
    const [{ id: orgId }] = await sql<{ id: string }[]>`select id::text as id from organizations`;
    await body({ server, sql, key, token, orgId, apps });
  } finally {
    await server?.stop();
    await sql.end();
    await database.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
