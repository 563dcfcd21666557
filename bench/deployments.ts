// Deployment throughput: two server processes on one PostgreSQL, each with its inline worker and the
// embedded local runtime. N small packages are deployed through both processes at once; the figure
// is deployments completed per second end to end (upload → completed), and every deployment must
// have been picked up exactly once. Goal: ≥ 20 deployments/s, zero jobs run twice.
// The machine is often shared: beside the throughput it prints the CPU time spent per deployment by
// the two server processes and by the PostgreSQL backends of the benchmark database (Linux /proc,
// local server only), which depends much less on what else runs at the same time, and the servers'
// CPU by thread. The servers' DATA_DIR is made under os.tmpdir() (TMPDIR).
// Needs BENCH_DATABASE_URL or TEST_DATABASE_URL (a server where a database can be created).
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { buildApkg } from '../server/apkg/testing/build-apkg.ts';
import { signUpWithKey, startServer, tempDir } from './lib.ts';

const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (!adminUrl) {
  console.log('deployments benchmark skipped: set BENCH_DATABASE_URL (or TEST_DATABASE_URL) to a PostgreSQL server');
  process.exit(0);
}
const N = Number(process.env.BENCH_DEPLOYMENTS ?? 200);
const name = `pixell_bench_${crypto.randomBytes(4).toString('hex')}`;
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database ${name}`);
const url = new URL(adminUrl);
url.pathname = `/${name}`;
const databaseUrl = url.toString();
const dataDir = tempDir('pixell-bench-deploy-');
const common = {
  DATABASE_URL: databaseUrl,
  DATA_DIR: path.join(dataDir, 'shared'),
  REQUIRE_EMAIL_VERIFICATION: 'false',
  SIGNUP_CREDITS: String(N * 10),
  DEPLOYMENT_CONCURRENCY: process.env.BENCH_CONCURRENCY ?? '8',
  RATE_LIMIT_AUTHENTICATED_PER_HOUR: '1000000',
  RATE_LIMIT_ANONYMOUS_PER_HOUR: '1000000',
  SECRETS_ENCRYPTION_KEY: crypto.randomBytes(32).toString('base64'),
  DOWNLOAD_URL_SECRET: crypto.randomBytes(32).toString('hex'),
};
/** CPU seconds (user + system) of a local process, or null when /proc cannot tell. */
const cpuSeconds = (pid: number | undefined): number | null => {
  if (pid === undefined) return null;
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
};
/** CPU seconds of a process's threads by kind: main, libuv's thread pool, V8's helper threads, others. */
const threadCpu = (pid: number | undefined): Map<string, number> => {
  const byKind = new Map<string, number>();
  if (pid === undefined) return byKind;
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const kind = name === 'MainThread' || name === 'node' ? 'main' : name.startsWith('libuv-worker') ? 'thread pool' : name.startsWith('V8Worker') ? 'V8 helpers' : 'other';
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    byKind.set(kind, (byKind.get(kind) ?? 0) + (Number(fields[11]) + Number(fields[12])) / 100);
  }
  return byKind;
};
/** CPU time to create (and write 200 bytes to) one new file under `dir`: the file system's share of a deployment. */
const fileCreationMicros = (dir: string): number => {
  const probe = fs.mkdtempSync(path.join(dir, 'probe-'));
  const before = process.cpuUsage();
  for (let i = 0; i < 200; i++) fs.writeFileSync(path.join(probe, `f${i}`), Buffer.alloc(200), { flag: 'wx' });
  const used = process.cpuUsage(before);
  fs.rmSync(probe, { recursive: true, force: true });
  return (used.user + used.system) / 200;
};
const backendCpu = async (sql: postgres.Sql) => {
  const rows = await sql<{ pid: number }[]>`select pid from pg_stat_activity where datname = ${name}`;
  return new Map(rows.map((r) => [r.pid, cpuSeconds(r.pid)]));
};

const a = await startServer(common);
const b = await startServer(common);
const db = postgres(databaseUrl, { max: 2, onnotice: () => {} });
try {
  const { key } = await signUpWithKey(a.url);
  const appRes = await fetch(`${a.url}/api/agent-apps`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ name: 'bench' }) });
  const appId = ((await appRes.json()) as { app: { id: string } }).app.id;
  const packages = await Promise.all(Array.from({ length: N }, (_, i) => buildApkg({ version: `1.0.${i}` })));

  const serverCpu = () => [a.child.pid, b.child.pid].map(cpuSeconds).reduce<number | null>((sum, c) => (sum === null || c === null ? null : sum + c), 0);
  const serverCpu0 = serverCpu();
  const backendCpu0 = await backendCpu(admin);
  const threads0 = [a.child.pid, b.child.pid].map(threadCpu);
  const clientCpu0 = process.cpuUsage();
  const started = performance.now();
  let next = 0;
  const uploader = async (server: string) => {
    while (next < N) {
      const i = next++;
      const form = new FormData();
      form.append('version', `1.0.${i}`);
      form.append('file', new Blob([new Uint8Array(packages[i])]), 'agent.apkg');
      const res = await fetch(`${server}/api/agent-apps/${appId}/packages/deploy`, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: form });
      if (res.status !== 202) throw new Error(`deploy ${i}: ${res.status} ${await res.text()}`);
    }
  };
  await Promise.all([uploader(a.url), uploader(b.url), uploader(a.url), uploader(b.url)]);
  const uploaded = performance.now();
  for (;;) {
    const [row] = await db`select count(*) filter (where status in ('completed','failed','cancelled'))::int as done, count(*) filter (where status = 'failed')::int as failed from deployments`;
    if (row.done >= N) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const finished = performance.now();
  const clientCpu = process.cpuUsage(clientCpu0);
  const threads1 = [a.child.pid, b.child.pid].map(threadCpu);
  const serverCpu1 = serverCpu();
  const backendCpu1 = await backendCpu(admin);
  const [dups] = await db`select count(*)::int as n from (select deployment_id from deployment_events where message like 'Picked up by a worker%' group by deployment_id having count(*) > 1) x`;
  const [attempts] = await db`select max(attempts)::int as max, count(*) filter (where status = 'failed')::int as failed from deployments`;
  const seconds = (finished - started) / 1000;
  console.log(`deployments: ${N} through 2 processes (${common.DEPLOYMENT_CONCURRENCY} concurrent jobs each), PostgreSQL`);
  console.log(`uploads accepted in ${((uploaded - started) / 1000).toFixed(2)} s; all completed after ${seconds.toFixed(2)} s`);
  console.log(`throughput: ${(N / seconds).toFixed(1)} deployments/s end to end (goal ≥ 20)`);
  console.log(`jobs run twice: ${dups.n}; max attempts: ${attempts.max}; failed: ${attempts.failed} (goal: 0 / 1 / 0)`);
  let pgSeconds: number | null = 0;
  for (const [pid, end] of backendCpu1) pgSeconds = end === null || pgSeconds === null ? null : pgSeconds + end - (backendCpu0.get(pid) ?? 0);
  if (serverCpu0 !== null && serverCpu1 !== null && pgSeconds !== null && backendCpu1.size > 0) {
    const perDeployment = (s: number) => ((s * 1000) / N).toFixed(1);
    console.log(
      `CPU per deployment (upload + run): servers ${perDeployment(serverCpu1 - serverCpu0)} ms, PostgreSQL ${perDeployment(pgSeconds)} ms, this client ${perDeployment((clientCpu.user + clientCpu.system) / 1e6)} ms; load average ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0]} on ${os.availableParallelism()} CPUs`,
    );
    const byThread = new Map<string, number>();
    threads1.forEach((after, i) => after.forEach((seconds, kind) => byThread.set(kind, (byThread.get(kind) ?? 0) + seconds - (threads0[i].get(kind) ?? 0))));
    console.log(`servers' CPU per deployment by thread: ${[...byThread].map(([kind, seconds]) => `${kind} ${perDeployment(seconds)} ms`).join(', ')}`);
    console.log(`data in ${dataDir}, where creating a small file costs ${fileCreationMicros(dataDir).toFixed(0)} µs of CPU (each deployment creates ~20 files and ~10 folders)`);
  }
} finally {
  await Promise.all([a.stop(), b.stop()]);
  await db.end();
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
