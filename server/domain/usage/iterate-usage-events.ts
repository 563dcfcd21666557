// Reads an organization's usage events in [from, to) in occurred_at order, batch by batch, with
// keyset pagination on (occurred_at, id) — a database cursor that works the same on postgres.js
// and PGlite and never holds more than two batches in memory (the one being consumed and the next,
// read ahead). The cursor keeps microseconds (text).
// ORDER BY names the table's columns: the bare `occurred_at, id` would sort by the output columns
// of the same names (the millisecond text and id::text) — no index, a full sort per batch, and an
// order that disagrees with the keyset on (occurred_at, id).
import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '../../../db/client.ts';
import { isoTimestamp } from './sql-iso.ts';

export type UsageExportRow = {
  id: string;
  occurred_at: string;
  type: string;
  agent_app_id: string | null;
  agent_app_name: string | null;
  description: string;
  quantity: number;
  credits: number;
};

type BatchRow = Omit<UsageExportRow, 'quantity' | 'credits'> & { quantity: unknown; credits: unknown; cursor_at: string };

function readBatch(db: DbOrTx, orgId: string, range: { from: Date; to: Date }, after: { at: string; id: string } | null, batchSize: number): Promise<BatchRow[]> {
  const keyset: SQL = after ? sql`and (occurred_at, id) > (${after.at}::timestamptz, ${after.id}::uuid)` : sql``;
  return queryRows<BatchRow>(
    db,
    sql`select id::text as id, ${isoTimestamp('occurred_at')} as occurred_at, occurred_at::text as cursor_at, type,
               app_id::text as agent_app_id, app_name as agent_app_name, description, quantity, credits
          from usage_events
         where org_id = ${orgId}
           and occurred_at >= ${range.from.toISOString()}::timestamptz and occurred_at < ${range.to.toISOString()}::timestamptz
           ${keyset}
         order by usage_events.occurred_at, usage_events.id
         limit ${batchSize}`,
  );
}

/**
 * The rows in order. The next batch is read while the consumer takes this one's rows (its error, if
 * any, is thrown when it is reached, and is not left unhandled if the consumer stops before).
 */
export async function* iterateUsageEvents(db: DbOrTx, orgId: string, range: { from: Date; to: Date }, batchSize = 1000): AsyncGenerator<UsageExportRow> {
  let pending: Promise<BatchRow[]> | null = readBatch(db, orgId, range, null, batchSize);
  while (pending) {
    const rows: BatchRow[] = await pending;
    pending = null;
    if (rows.length === batchSize) {
      const last = rows[rows.length - 1];
      pending = readBatch(db, orgId, range, { at: last.cursor_at, id: last.id }, batchSize);
      pending.catch(() => undefined);
    }
    for (const r of rows) {
      yield {
        id: r.id,
        occurred_at: r.occurred_at,
        type: r.type,
        agent_app_id: r.agent_app_id,
        agent_app_name: r.agent_app_name,
        description: r.description,
        quantity: Number(r.quantity),
        credits: Number(r.credits),
      };
    }
  }
}
