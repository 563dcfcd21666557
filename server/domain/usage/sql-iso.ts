// A timestamptz rendered by the database as an ISO 8601 UTC string with milliseconds, identical on
// both drivers (postgres.js and PGlite parse timestamps differently in raw queries).
import { sql, type SQL } from 'drizzle-orm';

export function isoTimestamp(column: SQL | string): SQL {
  const col = typeof column === 'string' ? sql.raw(column) : column;
  return sql`to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}
