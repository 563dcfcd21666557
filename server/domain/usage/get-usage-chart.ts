// GET /api/usage/chart?days=N: one point per UTC day, oldest first, today last, days without usage
// included as zeros. `invocations` counts invocations; `credits` is the credits consumed that day.
import { sql } from 'drizzle-orm';
import { queryRows } from '../../../db/client.ts';
import { requireOrgActor, type DomainCtx } from '../context.ts';
import { addDays, chartLabel, utcDay } from './usage-days.ts';

export type UsageChartPoint = { day: string; date: string; invocations: number; credits: number };

export async function getUsageChart(ctx: DomainCtx, input: { days: number }): Promise<UsageChartPoint[]> {
  const actor = requireOrgActor(ctx);
  const today = utcDay(ctx.now());
  const start = addDays(today, -(input.days - 1));
  const rows = await queryRows<{ day: string | Date; invocations: unknown; credits: unknown }>(
    ctx.db,
    sql`select day::text as day,
          coalesce(sum(count) filter (where type = 'invocation'), 0) as invocations,
          coalesce(sum(credits), 0) as credits
        from usage_daily
        where org_id = ${actor.orgId} and day >= ${start} and day <= ${today}
        group by day`,
  );
  const byDay = new Map(rows.map((r) => [String(r.day).slice(0, 10), r]));
  const points: UsageChartPoint[] = [];
  for (let i = 0; i < input.days; i++) {
    const day = addDays(start, i);
    const r = byDay.get(day);
    points.push({ day, date: chartLabel(day), invocations: Number(r?.invocations ?? 0), credits: Number(r?.credits ?? 0) });
  }
  return points;
}
