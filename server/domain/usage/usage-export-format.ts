// Usage export files, produced as a stream of text chunks (~64 KiB) from a row iterator.
// CSV: RFC 4180 (CRLF line ends, fields with `"`, `,`, CR or LF quoted, quotes doubled), a header
// row, and text cells that a spreadsheet would run as a formula (starting with = + - @ TAB CR)
// prefixed with `'` (OWASP CSV injection). JSON: one array of objects with the same fields.
import type { UsageExportRow } from './iterate-usage-events.ts';

export const EXPORT_COLUMNS = ['occurred_at', 'type', 'agent_app_id', 'agent_app_name', 'description', 'quantity', 'credits'] as const;

const CHUNK_CHARS = 64 * 1024;

export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  let s = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(row: UsageExportRow): string {
  return EXPORT_COLUMNS.map((c) => csvCell(row[c])).join(',') + '\r\n';
}

function exportObject(row: UsageExportRow) {
  return Object.fromEntries(EXPORT_COLUMNS.map((c) => [c, row[c]]));
}

/** Text chunks of the export; `onRow` counts rows as they pass. */
export async function* renderUsageExport(rows: AsyncIterable<UsageExportRow>, format: 'csv' | 'json', onRow: () => void = () => {}): AsyncGenerator<string> {
  let buffer = format === 'csv' ? EXPORT_COLUMNS.join(',') + '\r\n' : '[';
  let first = true;
  for await (const row of rows) {
    onRow();
    if (format === 'csv') buffer += csvLine(row);
    else {
      buffer += (first ? '\n' : ',\n') + JSON.stringify(exportObject(row));
      first = false;
    }
    if (buffer.length >= CHUNK_CHARS) {
      yield buffer;
      buffer = '';
    }
  }
  if (format === 'json') buffer += first ? ']\n' : '\n]\n';
  if (buffer) yield buffer;
}
