// Bulk-loads usage events for the usage benchmarks straight into PostgreSQL, shaped exactly as the
// product writes them (server/domain/usage/*: report-invocation, record-deployment-usage,
// record-package-upload-usage, http/usage-recorder) together with their usage_daily roll-ups: each
// chunk is ONE statement that inserts the events and upserts the (org, UTC day, app or NO_APP_ID,
// type) totals of the rows it inserted, like record-usage-events.ts does.
// The secondary indexes and the primary key of usage_events are dropped during the load and rebuilt
// afterwards from their own definitions (the end state is the migrated schema), then VACUUM ANALYZE.
// Events are spread evenly over [from, to) in insertion order, as a live system writes them.
// Mix: 5 % API calls (no app), 0.1 % package uploads, 0.1 % deployments, the rest invocations
// (every 7th reports 3 calls), apps taken round-robin.
import type { Sql } from 'postgres';
import { NO_APP_ID } from '../db/schema/usage.ts';

export type SeedApp = { id: string; name: string };

export async function seedUsageEvents(
  sql: Sql,
  opts: { orgId: string; apps: SeedApp[]; count: number; from: Date; to: Date; chunk?: number; log?: (line: string) => void },
): Promise<void> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const chunk = opts.chunk ?? 1_000_000;
  const ids = opts.apps.map((a) => a.id);
  const names = opts.apps.map((a) => a.name);
  await sql.unsafe(`set maintenance_work_mem = '1GB'`);
  await sql.unsafe(`set synchronous_commit = off`);

  const indexes = await sql<{ indexname: string; indexdef: string }[]>`
    select indexname, indexdef from pg_indexes
     where schemaname = current_schema() and tablename = 'usage_events' and indexname <> 'usage_events_pkey'`;
  const [pk] = await sql<{ def: string }[]>`
    select pg_get_constraintdef(oid) as def from pg_constraint where conrelid = 'usage_events'::regclass and conname = 'usage_events_pkey'`;
  if (!pk) throw new Error('usage_events_pkey not found: is the schema migrated?');
  await sql.unsafe(`alter table usage_events drop constraint usage_events_pkey`);
  for (const i of indexes) await sql.unsafe(`drop index ${i.indexname}`);

  const t0 = performance.now();
  for (let lo = 1; lo <= opts.count; lo += chunk) {
    const hi = Math.min(opts.count, lo + chunk - 1);
    await sql`
      with s as (
        select i,
               ${opts.from.toISOString()}::timestamptz + ((i - 0.5) / ${opts.count}::float8) * (${opts.to.toISOString()}::timestamptz - ${opts.from.toISOString()}::timestamptz) as at,
               case when i % 20 = 0 then 'api_call' when i % 1000 = 1 then 'package_upload' when i % 1000 = 2 then 'deployment' else 'invocation' end as type,
               (i % ${ids.length}) + 1 as a,
               case when i % 7 = 0 then 3 else 1 end as calls
          from generate_series(${lo}::bigint, ${hi}::bigint) as i
      ), rows as (
        select i, at, type, calls,
               case when type = 'api_call' then null else (${ids}::uuid[])[a] end as app_id,
               case when type = 'api_call' then null else (${names}::text[])[a] end as app_name
          from s
      ), ins as (
        insert into usage_events (org_id, app_id, app_name, type, quantity, credits, description, event_id, metadata, occurred_at, created_at)
        select ${opts.orgId}::uuid, app_id, app_name, type,
               case when type = 'invocation' then calls else 1 end,
               case type when 'invocation' then calls * (1 + i % 3) when 'deployment' then 10 else 0 end,
               case type
                 when 'api_call' then 'GET /api/agent-apps'
                 when 'package_upload' then format('Uploaded version 1.0.%s of ''%s''', i, app_name)
                 when 'deployment' then format('Deployed version 1.0.%s of ''%s''', i, app_name)
                 else case when calls = 1 then format('Agent ''%s'' invoked', app_name) else format('Agent ''%s'' invoked %s times', app_name, calls) end
               end,
               case when type = 'invocation' then 'run-' || i end,
               case type
                 when 'api_call' then jsonb_build_object('api_key_id', '6f1c1c1e-0000-4000-8000-000000000001', 'method', 'GET', 'path', '/api/agent-apps', 'status', 200)
                 when 'package_upload' then jsonb_build_object('package_id', gen_random_uuid(), 'version', '1.0.' || i)
                 when 'deployment' then jsonb_build_object('deployment_id', gen_random_uuid(), 'version', '1.0.' || i, 'status', 'completed')
                 else jsonb_build_object('reported_by', 'runtime')
               end,
               at, at
          from rows
        returning org_id, app_id, type, quantity, credits, occurred_at
      )
      insert into usage_daily (org_id, day, app_id, type, count, credits)
      select org_id, (occurred_at at time zone 'UTC')::date, coalesce(app_id, ${NO_APP_ID}::uuid), type, sum(quantity), sum(credits)
        from ins
       group by 1, 2, 3, 4
       order by 1, 2, 3, 4
      on conflict (org_id, day, app_id, type) do update
        set count = usage_daily.count + excluded.count, credits = usage_daily.credits + excluded.credits`;
    log(`  seeded ${hi.toLocaleString('en')} / ${opts.count.toLocaleString('en')} events (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }

  const t1 = performance.now();
  await sql.unsafe(`alter table usage_events add constraint usage_events_pkey ${pk.def}`);
  for (const i of indexes) await sql.unsafe(i.indexdef);
  log(`  indexes rebuilt (${((performance.now() - t1) / 1000).toFixed(0)} s)`);
  const t2 = performance.now();
  await sql.unsafe(`vacuum (analyze) usage_events`);
  await sql.unsafe(`vacuum (analyze) usage_daily`);
  log(`  vacuum analyze (${((performance.now() - t2) / 1000).toFixed(0)} s)`);
}
