// Writes usage events and keeps the per-day roll-ups current, in one statement (in the caller's
// transaction when there is one): a multi-row INSERT of the events (an (org, event_id) seen before
// is skipped, so reporters can retry), and an upsert of the (org, UTC day, app, type) totals of the
// rows really inserted. Totals are summed first (one statement may not update a row twice) and
// written in key order, so concurrent writers lock roll-up rows in the same order and never
// deadlock each other.
import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '../../../db/client.ts';
import { NO_APP_ID, usageDaily, usageEvents, type UsageEventType } from '../../../db/schema/index.ts';

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
  const inserted = await queryRows<InsertedRow>(tx, insertUsageEvents(`[${events.map(usageEventJson).join(',')}]`, sql`select * from inserted`));
  return inserted.map(toUsageEventRow);
}

/**
 * One event as the JSON object recordSerializedUsageEvents reads. The batch travels as one JSON
 * parameter: a few hundred rows cost one serialisation instead of ten bound parameters each
 * (building those was the main cost of recording API calls), and a recorder can serialise each
 * event as it comes instead of all of them at once.
 */
export function usageEventJson(e: NewUsageEvent): string {
  return JSON.stringify({
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
  });
}

/**
 * recordUsageEvents for events already serialised (`rows` is a JSON array of usageEventJson objects),
 * for callers that need no rows back (the API-call recorder): resolves to the number stored.
 */
export async function recordSerializedUsageEvents(tx: DbOrTx, rows: string): Promise<number> {
  const [result] = await queryRows<{ stored: number }>(tx, insertUsageEvents(rows, sql`select count(*)::int as stored from inserted`));
  return Number(result.stored);
}

/**
 * One statement: the events, then the per-day totals of the rows really inserted, added to the
 * roll-ups in key order (see the top of the file), then `result` over the inserted rows. Atomic on
 * its own, so no transaction is needed.
 */
function insertUsageEvents(rows: string, result: SQL): SQL {
  return sql`with inserted as (
      insert into ${usageEvents} (org_id, app_id, app_name, type, quantity, credits, description, event_id, metadata, occurred_at)
      select r.org_id, r.app_id, r.app_name, r.type, r.quantity, r.credits, r.description, r.event_id, r.metadata, r.occurred_at
      from json_populate_recordset(null::usage_events, ${rows}::json) as r
      on conflict (org_id, event_id) do nothing
      returning id, org_id, app_id, app_name, type, quantity, credits, description, event_id, metadata, occurred_at, created_at
    ), rollups as (
      insert into ${usageDaily} (org_id, day, app_id, type, count, credits)
      select org_id, (occurred_at at time zone 'UTC')::date, coalesce(app_id, ${NO_APP_ID}::uuid), type, sum(quantity), sum(credits)
      from inserted
      group by 1, 2, 3, 4
      order by 1, 2, 3, 4
      on conflict (org_id, day, app_id, type) do update
        set count = ${usageDaily}.count + excluded.count, credits = ${usageDaily}.credits + excluded.credits
    )
    ${result}`;
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
