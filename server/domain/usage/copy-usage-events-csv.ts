// The CSV of a usage export on PostgreSQL: `COPY (SELECT …) TO STDOUT WITH (FORMAT csv, HEADER)`
// streamed through postgres.js on a reserved connection, so the database renders the rows and the
// server only passes bytes on. The output is byte for byte what usage-export-format.ts renders on the
// batch path (PGlite, and JSON):
// - the same columns and header, rows in (occurred_at, id) order of the organization's whole range;
// - CSV injection done in SQL: text cells starting with = + - @ TAB CR get a leading `'`;
// - empty text cells are written as NULL (COPY would quote an empty string as "", csvCell leaves it bare);
// - COPY quotes exactly the fields csvCell quotes (holding `"` , CR or LF; quotes doubled), and ends
//   records with LF: CsvRecordEnds turns each record's LF into CRLF (LFs inside quoted fields stay)
//   and counts the records.
// Backpressure: the COPY stream is read only as fast as the consumer reads this one (postgres.js then
// pauses the socket). Destroyed early (storage failed), it reads the rest of COPY and drops it, so
// the connection goes back to the pool clean.
import { Readable } from 'node:stream';
import type { Sql } from 'postgres';
import type { Db } from '../../../db/client.ts';

/** The postgres.js client behind a drizzle database, or null on another driver (PGlite). */
export function postgresClientOf(db: Db): Sql | null {
  const client = (db as { $client?: unknown }).$client;
  return typeof client === 'function' && 'reserve' in client && 'unsafe' in client ? (client as Sql) : null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A string literal (standard_conforming_strings is on since PostgreSQL 9.1). COPY takes no parameters. */
function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * A text cell as csvCell writes it: text starting with = + - @ TAB CR (code points 61 43 45 64 9 13)
 * prefixed with `'`, the empty string as NULL. The first test settles nearly every cell with one
 * byte-wise comparison: text whose first byte is 'A' (65) or above starts with none of those and is
 * not empty. (It costs a fraction of left(), a regex, or the list test on every cell.)
 */
function textCell(column: string): string {
  return `case when ${column} collate "C" >= 'A' then ${column}
                when ascii(${column}) in (61, 43, 45, 64, 9, 13) then '''' || ${column}
                else nullif(${column}, '') end`;
}

export function usageEventsCopySql(orgId: string, range: { from: Date; to: Date }): string {
  if (!UUID.test(orgId)) throw new Error(`not an organization id: ${JSON.stringify(orgId)}`);
  // ORDER BY names the table's columns (the output column occurred_at is the millisecond text).
  return `copy (
    select to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as occurred_at,
           ${textCell('type')} as type,
           app_id as agent_app_id,
           ${textCell('app_name')} as agent_app_name,
           ${textCell('description')} as description,
           quantity, credits
      from usage_events
     where org_id = ${literal(orgId)}::uuid
       and occurred_at >= ${literal(range.from.toISOString())}::timestamptz
       and occurred_at < ${literal(range.to.toISOString())}::timestamptz
     order by usage_events.occurred_at, usage_events.id
  ) to stdout with (format csv, header)`;
}

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;

/** Rewrites COPY's CSV (LF record ends) to CRLF record ends, chunk by chunk, and counts the records. */
export class CsvRecordEnds {
  #quoted = false;
  records = 0;

  convert(chunk: Buffer): Buffer {
    // Most chunks hold no quote at all: then every LF ends a record. latin1 maps bytes to characters
    // one to one, so this is the same bytes with CR inserted, done natively.
    if (!this.#quoted && chunk.indexOf(QUOTE) === -1) {
      const out = Buffer.from(chunk.toString('latin1').replaceAll('\n', '\r\n'), 'latin1');
      this.records += out.length - chunk.length;
      return out;
    }
    const ends: number[] = [];
    let pos = 0;
    let quote = chunk.indexOf(QUOTE, 0);
    let lf = chunk.indexOf(LF, 0);
    for (;;) {
      if (this.#quoted) {
        // Inside a quoted field: it ends at the next quote (a doubled quote closes and reopens it).
        if (quote < 0) break;
        this.#quoted = false;
        pos = quote + 1;
        quote = chunk.indexOf(QUOTE, pos);
        continue;
      }
      if (lf >= 0 && lf < pos) lf = chunk.indexOf(LF, pos);
      if (quote >= 0 && (lf < 0 || quote < lf)) {
        this.#quoted = true;
        pos = quote + 1;
        quote = chunk.indexOf(QUOTE, pos);
        continue;
      }
      if (lf < 0) break;
      ends.push(lf);
      pos = lf + 1;
    }
    this.records += ends.length;
    if (ends.length === 0) return chunk;
    const out = Buffer.allocUnsafe(chunk.length + ends.length);
    let from = 0;
    let at = 0;
    for (const lf of ends) {
      at += chunk.copy(out, at, from, lf);
      out[at++] = CR;
      from = lf;
    }
    chunk.copy(out, at, from);
    return out;
  }
}

/**
 * The export's CSV bytes, read from COPY on a reserved connection of `client`. `rows()` is the number
 * of data rows once the stream has ended.
 */
export async function copyUsageEventsCsv(client: Sql, orgId: string, range: { from: Date; to: Date }): Promise<{ body: Readable; rows(): number }> {
  const copySql = usageEventsCopySql(orgId, range);
  const conn = await client.reserve();
  let copy: Readable;
  try {
    copy = await conn.unsafe(copySql).readable();
  } catch (err) {
    conn.release();
    throw err;
  }
  copy.once('close', () => conn.release());
  const ends = new CsvRecordEnds();
  let copyDone = false;
  let wanted = false;
  let discarding = false;

  const body = new Readable({
    read() {
      wanted = true;
      pump();
    },
    destroy(err, callback) {
      // Nobody reads on (storage failed): COPY is read to its end and dropped, because postgres.js
      // keeps a connection whose COPY is left unread paused for ever. (Cancelling it instead would
      // need a second connection, and could reach the next statement on this one if it came late.)
      if (!copyDone) {
        discarding = true;
        pump();
      }
      callback(err);
    },
  });

  // PostgreSQL sends one CopyData message per row, and postgres.js pushes each as a chunk of its
  // own: read() takes all that arrived since the last call as one buffer, so the conversion and
  // the storage write work on large pieces instead of a few hundred bytes at a time.
  function pump(): void {
    for (;;) {
      if (!discarding && !wanted) return;
      const chunk = copy.read() as Buffer | null;
      if (chunk === null) return;
      if (!discarding) wanted = body.push(ends.convert(chunk));
    }
  }

  copy.on('readable', pump);
  copy.once('end', () => {
    copyDone = true;
    if (!discarding) body.push(null);
  });
  copy.once('error', (err) => {
    copyDone = true;
    if (!discarding) body.destroy(err);
  });
  return { body, rows: () => Math.max(0, ends.records - 1) };
}
