// Writes usage events and keeps the per-day roll-ups current, in the caller's transaction: one
// multi-row INSERT of the events (an (org, event_id) seen before is skipped, so reporters can
// retry), then one multi-row upsert of the (org, day, app, type) totals of the rows really inserted.
// Totals are summed here first (one statement may not update a row twice) and written in key order,
// so concurrent writers lock roll-up rows in the same order and never deadlock each other.
import { sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '../../../db/client.ts';
import { NO_APP_ID, usageDaily, usageEvents, type UsageEventType } from '../../../db/schema/index.ts';
import { utcDay } from './usage-days.ts';

export type NewUsageEvent = {
  orgId: string;
  appId: string | null;
  appName: string | null;
  type: UsageEventType;
  quantity: number;
  credits: number;
  description: string;
  eventId?: string | null;
  metadata?: Record<string, unknown> | null;
  occurredAt: Date;
};

export type UsageEventRow = typeof usageEvents.$inferSelect;

export async function recordUsageEvents(tx: DbOrTx, events: NewUsageEvent[]): Promise<UsageEventRow[]> {
  if (events.length === 0) return [];
  // The batch travels as one JSON parameter: a few hundred rows cost one serialisation instead of
  // ten bound parameters each (building those was the main cost of recording API calls).
  const rows = JSON.stringify(
    events.map((e) => ({
      org_id: e.orgId,
      app_id: e.appId,
      app_name: e.appName,
      type: e.type,
      quantity: e.quantity,
      credits: e.credits,
      description: e.description,
      event_id: e.eventId ?? null,
      metadata: e.metadata ?? null,
      occurred_at: e.occurredAt.toISOString(),
    })),
  );
  const inserted = await queryRows<InsertedRow>(
    tx,
    sql`insert into ${usageEvents} (org_id, app_id, app_name, type, quantity, credits, description, event_id, metadata, occurred_at)
        select r.org_id, r.app_id, r.app_name, r.type, r.quantity, r.credits, r.description, r.event_id, r.metadata, r.occurred_at
        from json_populate_recordset(null::usage_events, ${rows}::json) as r
        on conflict (org_id, event_id) do nothing
        returning id, org_id, app_id, app_name, type, quantity, credits, description, event_id, metadata, occurred_at, created_at`,
  );
  const result = inserted.map(toUsageEventRow);
  await addToDailyRollups(tx, result);
  return result;
}

type InsertedRow = {
  id: string;
  org_id: string;
  app_id: string | null;
  app_name: string | null;
  type: UsageEventType;
  quantity: number;
  credits: number;
  description: string;
  event_id: string | null;
  metadata: Record<string, unknown> | string | null;
  occurred_at: Date | string;
  created_at: Date | string;
};

function toUsageEventRow(r: InsertedRow): UsageEventRow {
  return {
    id: r.id,
    orgId: r.org_id,
    appId: r.app_id,
    appName: r.app_name,
    type: r.type,
    quantity: Number(r.quantity),
    credits: Number(r.credits),
    description: r.description,
    eventId: r.event_id,
    metadata: typeof r.metadata === 'string' ? (JSON.parse(r.metadata) as Record<string, unknown>) : r.metadata,
    occurredAt: new Date(r.occurred_at),
    createdAt: new Date(r.created_at),
  };
}

export async function recordUsageEvent(tx: DbOrTx, event: NewUsageEvent): Promise<UsageEventRow | null> {
  const [row] = await recordUsageEvents(tx, [event]);
  return row ?? null;
}

async function addToDailyRollups(tx: DbOrTx, rows: UsageEventRow[]): Promise<void> {
  if (rows.length === 0) return;
  const totals = new Map<string, { orgId: string; day: string; appId: string; type: UsageEventType; count: number; credits: number }>();
  for (const r of rows) {
    const day = utcDay(r.occurredAt);
    const appId = r.appId ?? NO_APP_ID;
    const key = `${r.orgId}|${day}|${appId}|${r.type}`;
    const t = totals.get(key);
    if (t) {
      t.count += r.quantity;
      t.credits += r.credits;
    } else {
      totals.set(key, { orgId: r.orgId, day, appId, type: r.type, count: r.quantity, credits: r.credits });
    }
  }
  const values = [...totals.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
  await tx
    .insert(usageDaily)
    .values(values)
    .onConflictDoUpdate({
      target: [usageDaily.orgId, usageDaily.day, usageDaily.appId, usageDaily.type],
      set: { count: sql`${usageDaily.count} + excluded.count`, credits: sql`${usageDaily.credits} + excluded.credits` },
    });
}
