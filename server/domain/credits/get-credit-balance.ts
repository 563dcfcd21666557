// GET /api/credits/balance: the balance, credits used this calendar month (UTC, from the daily
// roll-ups, so it never scans raw events) and the time of the last top-up. Any member may read it.
import { sql } from 'drizzle-orm';
import { queryRows } from '../../../db/client.ts';
import { requireOrgActor, type DomainCtx } from '../context.ts';
import { notFound } from '../errors.ts';
import { monthStartDay } from '../usage/usage-days.ts';

export type CreditBalance = {
  credits: number;
  usageThisMonth: number;
  lastToppedUp: Date | null;
  lowBalance: boolean;
  lowBalanceThreshold: number;
};

export async function getCreditBalance(ctx: DomainCtx): Promise<CreditBalance> {
  const actor = requireOrgActor(ctx);
  const [row] = await queryRows<{ credits: number; usage: string | number | null; last_topped_up: Date | string | null }>(
    ctx.db,
    sql`select o.credits,
          (select coalesce(sum(d.credits), 0) from usage_daily d where d.org_id = o.id and d.day >= ${monthStartDay(ctx.now())}) as usage,
          (select max(f.created_at) from checkout_fulfillments f where f.org_id = o.id) as last_topped_up
        from organizations o where o.id = ${actor.orgId}`,
  );
  if (!row) throw notFound('Organization');
  const credits = Number(row.credits);
  const threshold = ctx.config.billing.lowBalanceThreshold;
  return {
    credits,
    usageThisMonth: Number(row.usage ?? 0),
    lastToppedUp: row.last_topped_up === null ? null : new Date(row.last_topped_up),
    lowBalance: credits < threshold,
    lowBalanceThreshold: threshold,
  };
}
