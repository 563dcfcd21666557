// Writes usage events and keeps the per-day roll-ups current, in the caller's transaction: one
// multi-row INSERT of the events (an (org, event_id) seen before is skipped, so reporters can
// retry), then one multi-row upsert of the (org, day, app, type) totals of the rows really inserted.
// Totals are summed here first (one statement may not update a row twice) and written in key order,
// so concurrent writers lock roll-up rows in the same order and never deadlock each other.
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client.ts';
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
  const inserted = await tx
    .insert(usageEvents)
    .values(
      events.map((e) => ({
        orgId: e.orgId,
        appId: e.appId,
        appName: e.appName,
        type: e.type,
        quantity: e.quantity,
        credits: e.credits,
        description: e.description,
        eventId: e.eventId ?? null,
        metadata: e.metadata ?? null,
        occurredAt: e.occurredAt,
      })),
    )
    .onConflictDoNothing({ target: [usageEvents.orgId, usageEvents.eventId] })
    .returning();
  await addToDailyRollups(tx, inserted);
  return inserted;
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
