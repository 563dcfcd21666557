// Load benchmark (issue 5): GET /api/agent-apps authenticated with an API key, on PostgreSQL, under
// autocannon with 100 connections, against a bare Express route answering the same JSON body (the
// real response, captured first). The product server cannot host the baseline route, so the bare
// app runs in its own child process on the same Node; both are loaded the same way from this
// process. After a 3 s warm-up of each, BENCH_LOAD_ROUNDS rounds (3) each load the bare route, then
// the product, for BENCH_LOAD_SECONDS (5) each, back to back: the machine is shared, and its speed
// drifts over a minute by more than the effect measured, so each ratio compares two neighbouring
// windows and the figure is the median of the rounds. Rate limits are raised so no request is
// refused. Prints req/s of both, the ratio and the latency percentiles of each round.
// Goal: ratio ≥ 0.50, p99 < 50 ms. Needs BENCH_DATABASE_URL or TEST_DATABASE_URL.
// BENCH_LOAD_CONNECTIONS (100).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { api, benchAdminUrl, createBenchDatabase, median, postgresServerEnv, root, signUpWithKey, startServer, tempDir, type Server } from './lib.ts';

const adminUrl = benchAdminUrl();
if (!adminUrl) {
  console.log('load benchmark skipped: set BENCH_DATABASE_URL (or TEST_DATABASE_URL) to a PostgreSQL server');
  process.exit(0);
}
const SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_LOAD_ROUNDS ?? 3);
const WARMUP_SECONDS = 3;
const CONNECTIONS = Number(process.env.BENCH_LOAD_CONNECTIONS ?? 100);

type LoadResult = { rps: number; p50: number; p99: number; max: number; requests: number; non2xx: number; errors: number; cpuMicrosPerRequest: number };

/** CPU time (user + system) a process has used so far, in microseconds (Linux /proc). */
function cpuMicros(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100; // clock ticks of 1/100 s
  } catch {
    return NaN;
  }
}

/** Keep-alive load with `connections` concurrent connections for `seconds` (autocannon). */
async function runLoad(url: string, headers: Record<string, string>, seconds: number, serverPid?: number): Promise<LoadResult> {
  const cpuBefore = cpuMicros(serverPid);
  const r = await autocannon({ url, connections: CONNECTIONS, duration: seconds, headers });
  const cpu = cpuMicros(serverPid) - cpuBefore;
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max, requests: r.requests.total, non2xx: r.non2xx, errors: r.errors, cpuMicrosPerRequest: cpu / r.requests.total };
}

async function startBareExpress(bodyFile: string): Promise<{ url: string; pid: number | undefined; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [path.join(root, 'bench/bare-express-server.ts')], { cwd: root, env: { ...process.env, BODY_FILE: bodyFile }, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening (\d+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`bare express exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

const database = await createBenchDatabase(adminUrl, 'pixell_bench_load');
const dataDir = tempDir('pixell-bench-load-');
let server: Server | undefined;
let bare: Awaited<ReturnType<typeof startBareExpress>> | undefined;
try {
  server = await startServer(postgresServerEnv(database.url, dataDir));
  const { key } = await signUpWithKey(server.url);
  for (const name of ['support-bot', 'sales-assistant', 'code-reviewer', 'data-analyst', 'triage-agent']) {
    await api(server.url, key, 'POST', '/api/agent-apps', { name, description: `The ${name} agent of the load benchmark` }, 201);
  }
  const body = await api<{ apps: unknown[] }>(server.url, key, 'GET', '/api/agent-apps');
  const bodyFile = path.join(dataDir, 'agent-apps.json');
  fs.writeFileSync(bodyFile, JSON.stringify(body));
  bare = await startBareExpress(bodyFile);
  const bareBody = await (await fetch(`${bare.url}/api/agent-apps`)).text();
  if (bareBody !== JSON.stringify(body)) throw new Error('the bare route does not answer the same body');

  const headers = { authorization: `Bearer ${key}` };
  await runLoad(`${bare.url}/api/agent-apps`, headers, WARMUP_SECONDS);
  await runLoad(`${server.url}/api/agent-apps`, headers, WARMUP_SECONDS);
  const line = (r: LoadResult) =>
    `${r.rps.toFixed(0)} req/s, latency p50 ${r.p50} ms, p99 ${r.p99} ms, max ${r.max} ms, server CPU ${r.cpuMicrosPerRequest.toFixed(0)} µs/request (${r.requests} requests, non-2xx ${r.non2xx}, errors ${r.errors})`;
  console.log(`autocannon, ${CONNECTIONS} connections, ${ROUNDS} rounds of ${SECONDS} s per side after ${WARMUP_SECONDS} s warm-up, ${os.cpus().length} CPUs; body ${JSON.stringify(body).length} bytes (${body.apps.length} apps)`);
  const ratios: number[] = [];
  const p99s: number[] = [];
  let failures = 0;
  for (let round = 1; round <= ROUNDS; round++) {
    const base = await runLoad(`${bare.url}/api/agent-apps`, headers, SECONDS, bare.pid);
    const product = await runLoad(`${server.url}/api/agent-apps`, headers, SECONDS, server.child.pid);
    ratios.push(product.rps / base.rps);
    p99s.push(product.p99);
    failures += product.non2xx + product.errors;
    console.log(`round ${round}: bare Express route (child process): ${line(base)}`);
    console.log(`round ${round}: GET /api/agent-apps (API key, PostgreSQL): ${line(product)}; ratio ${(product.rps / base.rps).toFixed(2)}`);
  }
  // autocannon drops its sockets with requests in flight: let their handlers finish before stopping.
  await new Promise((r) => setTimeout(r, 2000));
  console.log(`ratio product / bare: ${median(ratios).toFixed(2)} (median of ${ROUNDS} rounds: ${ratios.map((r) => r.toFixed(2)).join(', ')}; goal ≥ 0.50)`);
  console.log(`product p99: ${median(p99s)} ms (median of the rounds; worst ${Math.max(...p99s)} ms; goal < 50 ms)`);
  if (failures > 0) console.log('warning: the product answered non-2xx or errors during the run');
} finally {
  await bare?.stop();
  await server?.stop();
  await database.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
