// Usage export benchmark (issue 4): a CSV export of 1 million usage events — POST /api/usage/export
// (on PostgreSQL the server streams its own COPY … TO STDOUT into storage, adding CRLF line ends;
// server/domain/usage/copy-usage-events-csv.ts) plus downloading the file from its signed link —
// against PostgreSQL's own `COPY (select … the same columns …) TO STDOUT WITH CSV HEADER` of the same
// rows through postgres.js, in the same run. Prints MB/s of both, their ratio and the server's RSS
// growth (sampled from /proc every 20 ms). Goal: ratio ≥ 0.50, RSS growth < 100 MiB.
// Each side is timed BENCH_EXPORT_ROUNDS times (default 2, alternating, after one untimed COPY that
// warms the cache); the best round of each is compared. The downloaded file is checked to hold
// exactly COPY's rows (byte for byte once CRLF line ends are made LF).
// Needs BENCH_DATABASE_URL or TEST_DATABASE_URL; BENCH_EXPORT_EVENTS scales (default 1,000,000).
import crypto from 'node:crypto';
import { addDays, utcDay } from '../server/domain/usage/usage-days.ts';
import { api, mib } from './lib.ts';
import { runUsageBench } from './usage-lib.ts';
import { seedUsageEvents } from './usage-seed.ts';

const EVENTS = Number(process.env.BENCH_EXPORT_EVENTS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_EXPORT_ROUNDS ?? 2);
const DAYS = 30;

await runUsageBench('export', async ({ server, sql, key, orgId, apps }) => {
  // The events fill the last DAYS whole UTC days before today (API calls made by this run land
  // today, outside the exported range, so both sides see exactly the seeded rows).
  const today = utcDay(new Date());
  const startDate = addDays(today, -DAYS);
  const endDate = addDays(today, -1);
  console.log(`seeding ${EVENTS.toLocaleString('en')} usage events over ${startDate} … ${endDate} (bulk SQL)…`);
  await seedUsageEvents(sql, { orgId, apps, count: EVENTS, from: new Date(`${startDate}T00:00:00Z`), to: new Date(`${today}T00:00:00Z`) });

  // ORDER BY names the table's columns (the index order): the bare `occurred_at` would be the output
  // column, the millisecond text, and cost a full sort.
  const copySql = `copy (
      select to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as occurred_at, type,
             app_id as agent_app_id, app_name as agent_app_name, description, quantity, credits
        from usage_events
       where org_id = '${orgId}' and occurred_at >= '${startDate}T00:00:00Z' and occurred_at < '${today}T00:00:00Z'
       order by usage_events.occurred_at, usage_events.id
    ) to stdout with (format csv, header)`;

  async function copyOnce(hash?: crypto.Hash): Promise<{ ms: number; bytes: number }> {
    const t = performance.now();
    let bytes = 0;
    const stream = await sql.unsafe(copySql).readable();
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      hash?.update(chunk);
    }
    return { ms: performance.now() - t, bytes };
  }

  async function exportOnce(): Promise<{ ms: number; bytes: number; rssGrowth: number; rssGrowthPost: number; postMs: number; downloadUrl: string }> {
    const rssBefore = server.rssBytes();
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, server.rssBytes())), 20);
    const t = performance.now();
    const { downloadUrl } = await api<{ downloadUrl: string }>(server.url, key, 'POST', '/api/usage/export', { format: 'csv', startDate, endDate });
    const postMs = performance.now() - t;
    const rssGrowthPost = Math.max(rssPeak, server.rssBytes()) - rssBefore;
    const res = await fetch(downloadUrl);
    if (res.status !== 200 || !res.body) throw new Error(`download answered ${res.status}`);
    let bytes = 0;
    for await (const chunk of res.body) bytes += chunk.length;
    const ms = performance.now() - t;
    clearInterval(sampler);
    rssPeak = Math.max(rssPeak, server.rssBytes());
    return { ms, bytes, rssGrowth: rssPeak - rssBefore, rssGrowthPost, postMs, downloadUrl };
  }

  const copyHash = crypto.createHash('sha256');
  const warm = await copyOnce(copyHash);
  const copies: { ms: number; bytes: number }[] = [];
  const exports: Awaited<ReturnType<typeof exportOnce>>[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    copies.push(await copyOnce());
    exports.push(await exportOnce());
  }

  // Same rows: the export's bytes with CR removed (the data holds no CR) equal COPY's output.
  const res = await fetch(exports[0].downloadUrl);
  const exportHash = crypto.createHash('sha256');
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) exportHash.update(Buffer.from(chunk).filter((b) => b !== 0x0d));
  const same = exportHash.digest('hex') === copyHash.digest('hex');
  if (!same) throw new Error('the export does not hold the same rows as COPY');

  const mbs = (r: { ms: number; bytes: number }) => r.bytes / 1e6 / (r.ms / 1000);
  const bestCopy = copies.reduce((a, b) => (mbs(b) > mbs(a) ? b : a));
  const bestExport = exports.reduce((a, b) => (mbs(b) > mbs(a) ? b : a));
  const rssGrowth = Math.max(...exports.map((e) => e.rssGrowth));
  const rows = EVENTS;
  console.log(`rows: ${rows.toLocaleString('en')}; COPY ${(warm.bytes / 1e6).toFixed(1)} MB, export ${(bestExport.bytes / 1e6).toFixed(1)} MB (CRLF line ends); same rows, checked byte for byte`);
  console.log(`COPY … TO STDOUT (postgres.js), rounds: ${copies.map((c) => `${mbs(c).toFixed(1)}`).join(', ')} MB/s → best ${mbs(bestCopy).toFixed(1)} MB/s (${(rows / (bestCopy.ms / 1000)).toFixed(0)} rows/s)`);
  console.log(`POST /api/usage/export + download, rounds: ${exports.map((e) => `${mbs(e).toFixed(1)}`).join(', ')} MB/s → best ${mbs(bestExport).toFixed(1)} MB/s (${(rows / (bestExport.ms / 1000)).toFixed(0)} rows/s, ${(bestExport.ms / 1000).toFixed(2)} s)`);
  console.log(`speed ratio (MB/s): ${(mbs(bestExport) / mbs(bestCopy)).toFixed(2)} (goal ≥ 0.50); by rows/s: ${(bestCopy.ms / bestExport.ms).toFixed(2)}`);
  console.log(`  of which POST (render into storage): ${exports.map((e) => `${(e.postMs / 1000).toFixed(2)} s`).join(', ')}; download: ${exports.map((e) => `${((e.ms - e.postMs) / 1000).toFixed(2)} s`).join(', ')}`);
  console.log(`server RSS growth during export + download: ${mib(rssGrowth)} MiB, largest of ${ROUNDS} rounds (goal < 100 MiB)`);
  console.log(`  per round (POST alone / whole): ${exports.map((e) => `${mib(e.rssGrowthPost)} / ${mib(e.rssGrowth)} MiB`).join(', ')}`);
});
