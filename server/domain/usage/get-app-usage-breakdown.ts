// Usage per agent app over the last N UTC days (the usage page's table), from the daily roll-ups.
// Apps deleted since are listed as "Deleted app" (deleted: true).
import { sql } from 'drizzle-orm';
import { queryRows } from '../../../db/client.ts';
import { NO_APP_ID } from '../../../db/schema/index.ts';
import { requireOrgActor, type DomainCtx } from '../context.ts';
import { addDays, utcDay } from './usage-days.ts';

export type AppUsage = { appId: string; appName: string; deleted: boolean; invocations: number; deployments: number; packagesUploaded: number; credits: number };

export async function getAppUsageBreakdown(ctx: DomainCtx, input: { days: number }): Promise<AppUsage[]> {
  const actor = requireOrgActor(ctx);
  const today = utcDay(ctx.now());
  const start = addDays(today, -(input.days - 1));
  const rows = await queryRows<{ app_id: string; app_name: string | null; invocations: unknown; deployments: unknown; uploads: unknown; credits: unknown }>(
    ctx.db,
    sql`select d.app_id, a.name as app_name,
          coalesce(sum(d.count) filter (where d.type = 'invocation'), 0) as invocations,
          coalesce(sum(d.count) filter (where d.type = 'deployment'), 0) as deployments,
          coalesce(sum(d.count) filter (where d.type = 'package_upload'), 0) as uploads,
          coalesce(sum(d.credits), 0) as credits
        from usage_daily d
        left join agent_apps a on a.id = d.app_id and a.org_id = d.org_id
        where d.org_id = ${actor.orgId} and d.day >= ${start} and d.day <= ${today} and d.app_id <> ${NO_APP_ID}
        group by d.app_id, a.name
        order by coalesce(sum(d.credits), 0) desc, coalesce(sum(d.count) filter (where d.type = 'invocation'), 0) desc, d.app_id`,
  );
  return rows.map((r) => ({
    appId: r.app_id,
    appName: r.app_name ?? 'Deleted app',
    deleted: r.app_name === null,
    invocations: Number(r.invocations),
    deployments: Number(r.deployments),
    packagesUploaded: Number(r.uploads),
    credits: Number(r.credits),
  }));
}
