// GET /api/usage/metrics: the last 30 UTC days (today included) against the 30 days before, from
// the daily roll-ups. Change = (current − previous) / previous × 100, rounded to one decimal; when
// the previous period is 0 the change is 0 if the current one is 0 too, else 100.
import { sql } from 'drizzle-orm';
import { queryRows } from '../../../db/client.ts';
import { requireOrgActor, type DomainCtx } from '../context.ts';
import { addDays, utcDay } from './usage-days.ts';

export const METRICS_PERIOD_DAYS = 30;

export type UsageMetrics = {
  invocations: number;
  invocationsChange: number;
  packagesUploaded: number;
  packagesChange: number;
  apiCalls: number;
  apiCallsChange: number;
  creditsUsed: number;
  creditsChange: number;
};

export function percentChange(current: number, previous: number): number {
  if (previous === 0) return current === 0 ? 0 : 100;
  const value = Math.round(((current - previous) / previous) * 1000) / 10;
  return value === 0 ? 0 : value; // no -0
}

export async function getUsageMetrics(ctx: DomainCtx): Promise<UsageMetrics> {
  const actor = requireOrgActor(ctx);
  const today = utcDay(ctx.now());
  const currentStart = addDays(today, -(METRICS_PERIOD_DAYS - 1));
  const previousStart = addDays(currentStart, -METRICS_PERIOD_DAYS);
  const rows = await queryRows<{ type: string; cur_count: unknown; prev_count: unknown; cur_credits: unknown; prev_credits: unknown }>(
    ctx.db,
    sql`select type,
          coalesce(sum(count) filter (where day >= ${currentStart}), 0) as cur_count,
          coalesce(sum(count) filter (where day < ${currentStart}), 0) as prev_count,
          coalesce(sum(credits) filter (where day >= ${currentStart}), 0) as cur_credits,
          coalesce(sum(credits) filter (where day < ${currentStart}), 0) as prev_credits
        from usage_daily
        where org_id = ${actor.orgId} and day >= ${previousStart} and day <= ${today}
        group by type`,
  );
  const count = (type: string, which: 'cur_count' | 'prev_count') => Number(rows.find((r) => r.type === type)?.[which] ?? 0);
  const credits = (which: 'cur_credits' | 'prev_credits') => rows.reduce((sum, r) => sum + Number(r[which]), 0);
  const m = {
    invocations: [count('invocation', 'cur_count'), count('invocation', 'prev_count')],
    packages: [count('package_upload', 'cur_count'), count('package_upload', 'prev_count')],
    apiCalls: [count('api_call', 'cur_count'), count('api_call', 'prev_count')],
    credits: [credits('cur_credits'), credits('prev_credits')],
  };
  return {
    invocations: m.invocations[0],
    invocationsChange: percentChange(m.invocations[0], m.invocations[1]),
    packagesUploaded: m.packages[0],
    packagesChange: percentChange(m.packages[0], m.packages[1]),
    apiCalls: m.apiCalls[0],
    apiCallsChange: percentChange(m.apiCalls[0], m.apiCalls[1]),
    creditsUsed: m.credits[0],
    creditsChange: percentChange(m.credits[0], m.credits[1]),
  };
}
