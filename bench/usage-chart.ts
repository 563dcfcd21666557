// Usage chart benchmark (issue 4): GET /api/usage/chart?days=30 over 10 million usage events, timed
// end to end over HTTP with an API key (authentication, rate limit and API-call recording included),
// against the equivalent raw-scan aggregate over usage_events (same figures) run through postgres.js
// in the same run. The chart reads the per-day roll-ups (usage_daily), so its cost does not grow
// with the number of events. Goal: chart p95 < 50 ms.
// Needs BENCH_DATABASE_URL or TEST_DATABASE_URL (a server where a database can be created).
// BENCH_USAGE_EVENTS scales the data down (default 10,000,000); BENCH_CHART_REQUESTS (default 200).
import { addDays, utcDay } from '../server/domain/usage/usage-days.ts';
import { api, percentile } from './lib.ts';
import { runUsageBench } from './usage-lib.ts';
import { seedUsageEvents } from './usage-seed.ts';

const EVENTS = Number(process.env.BENCH_USAGE_EVENTS ?? 10_000_000);
const REQUESTS = Number(process.env.BENCH_CHART_REQUESTS ?? 200);
const RAW_RUNS = Number(process.env.BENCH_CHART_RAW_RUNS ?? 30);
const DAYS = 30;

await runUsageBench('chart', async ({ server, sql, key, orgId, apps }) => {
  const now = new Date();
  console.log(`seeding ${EVENTS.toLocaleString('en')} usage events over 365 days, ${apps.length} apps (bulk SQL)…`);
  await seedUsageEvents(sql, { orgId, apps, count: EVENTS, from: new Date(now.getTime() - 365 * 86_400_000), to: now });
  const [{ n: rollups }] = await sql<{ n: number }[]>`select count(*)::int as n from usage_daily`;
  console.log(`usage_daily: ${rollups} roll-up rows`);

  // Raw scan: the same 30 UTC days aggregated from the events themselves.
  const today = utcDay(new Date());
  const start = addDays(today, -(DAYS - 1));
  const rawScan = () => sql<{ day: string; invocations: string; credits: string }[]>`
    select (occurred_at at time zone 'UTC')::date::text as day,
           coalesce(sum(quantity) filter (where type = 'invocation'), 0) as invocations,
           coalesce(sum(credits), 0) as credits
      from usage_events
     where org_id = ${orgId} and occurred_at >= ${start}::timestamptz and occurred_at < ${addDays(today, 1)}::timestamptz
     group by 1`;

  type Chart = { data: { date: string; invocations: number; credits: number }[] };
  const chart = () => api<Chart>(server.url, key, 'GET', `/api/usage/chart?days=${DAYS}`);

  // Same figures both ways (API calls recorded during the run carry no credits and no invocations).
  const raw = new Map((await rawScan()).map((r) => [r.day, r]));
  const expected = Array.from({ length: DAYS }, (_, i) => {
    const r = raw.get(addDays(start, i));
    return { invocations: Number(r?.invocations ?? 0), credits: Number(r?.credits ?? 0) };
  });
  const got = (await chart()).data.map((p) => ({ invocations: p.invocations, credits: p.credits }));
  if (JSON.stringify(got) !== JSON.stringify(expected)) throw new Error(`chart and raw scan disagree:\n${JSON.stringify(got)}\n${JSON.stringify(expected)}`);
  const inWindow = expected.reduce((s, p) => s + p.invocations, 0);

  for (let i = 0; i < 20; i++) await chart();
  const chartMs: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const t = performance.now();
    await chart();
    chartMs.push(performance.now() - t);
  }

  for (let i = 0; i < 3; i++) await rawScan();
  const rawMs: number[] = [];
  for (let i = 0; i < RAW_RUNS; i++) {
    const t = performance.now();
    await rawScan();
    rawMs.push(performance.now() - t);
  }

  const f = (ms: number) => `${ms.toFixed(1)} ms`;
  console.log(`events: ${EVENTS.toLocaleString('en')} over 365 days; the 30-day window holds ${inWindow.toLocaleString('en')} invocations (figures checked equal both ways)`);
  console.log(`raw scan over usage_events (postgres.js, ${RAW_RUNS} runs): p50 ${f(percentile(rawMs, 50))}, p95 ${f(percentile(rawMs, 95))}`);
  console.log(`GET /api/usage/chart?days=30 (HTTP + API key, ${REQUESTS} requests): p50 ${f(percentile(chartMs, 50))}, p95 ${f(percentile(chartMs, 95))} (goal p95 < 50 ms)`);
  console.log(`ratio raw-scan p95 / chart p95: ${(percentile(rawMs, 95) / percentile(chartMs, 95)).toFixed(1)}× (chart p95 is ${((percentile(chartMs, 95) / percentile(rawMs, 95)) * 100).toFixed(1)} % of the raw scan's)`);
});
