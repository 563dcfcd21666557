// GET /api/usage/activity?limit=N: the organization's recent activity, newest first — invocations,
// package uploads, deployments (completed, failed, cancelled) from the usage events, and credit
// purchases from the fulfilled checkouts. API calls are left out (they are counted, not listed).
import { sql } from 'drizzle-orm';
import { queryRows } from '../../../db/client.ts';
import { requireOrgActor, type DomainCtx } from '../context.ts';
import { isoTimestamp } from './sql-iso.ts';

export type ActivityType = 'invocation' | 'package_upload' | 'deployment' | 'credit_purchase';

export type ActivityEvent = {
  id: string;
  type: ActivityType;
  description: string;
  /** Credits: consumed (invocation, deployment) or bought (credit_purchase); absent for uploads. */
  value?: number;
  timestamp: Date;
  appId: string | null;
  /** Deployments: completed | failed | cancelled. */
  status?: string;
};

export async function listUsageActivity(ctx: DomainCtx, input: { limit: number }): Promise<ActivityEvent[]> {
  const actor = requireOrgActor(ctx);
  const n = input.limit;
  const rows = await queryRows<{ id: string; type: string; description: string | null; value: unknown; at: string; app_id: string | null; status: string | null }>(
    ctx.db,
    sql`select * from (
          (select e.id::text as id, e.type, e.description, e.credits as value, ${isoTimestamp('e.occurred_at')} as at,
                  e.occurred_at as sort_at, e.app_id::text as app_id, e.metadata->>'status' as status
             from usage_events e
            where e.org_id = ${actor.orgId} and e.type <> 'api_call'
            order by e.occurred_at desc, e.id desc limit ${n})
          union all
          (select coalesce(f.credit_transaction_id::text, f.session_id) as id, 'credit_purchase' as type, null as description,
                  f.credits as value, ${isoTimestamp('f.created_at')} as at, f.created_at as sort_at, null as app_id, null as status
             from checkout_fulfillments f
            where f.org_id = ${actor.orgId}
            order by f.created_at desc limit ${n})
        ) a
        order by sort_at desc, id desc
        limit ${n}`,
  );
  return rows.map((r) => {
    const type = r.type as ActivityType;
    const value = Number(r.value);
    const event: ActivityEvent = {
      id: r.id,
      type,
      description: type === 'credit_purchase' ? `Purchased ${value.toLocaleString('en-US')} credits` : (r.description ?? ''),
      timestamp: new Date(r.at),
      appId: r.app_id,
    };
    if (type !== 'package_upload') event.value = value;
    if (type === 'deployment' && r.status) event.status = r.status;
    return event;
  });
}
