// createUsageExport writes the same bytes on both drivers: on PostgreSQL a CSV comes from COPY
// (copy-usage-events-csv.ts), on PGlite (and for JSON) from keyset batches rendered in JS. Both are
// checked against csvLine (the reference rendering) over values that need quoting, CSV-injection
// prefixes, empty and null cells, unicode, and enough multi-line rows to cross COPY's chunks.
// PostgreSQL only (skipped on PGlite, which has no COPY path): the connection of a COPY abandoned by
// its reader goes back to the pool.
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../../db/client.ts';
import { usageEvents } from '../../../db/schema/index.ts';
import { createUserFixture, startTestApp, usingPostgres, type Fixture, type TestApp } from '../../test/harness.ts';
import type { DomainCtx } from '../context.ts';
import { copyUsageEventsCsv, CsvRecordEnds, postgresClientOf } from './copy-usage-events-csv.ts';
import { createUsageExport } from './create-usage-export.ts';
import type { UsageExportRow } from './iterate-usage-events.ts';
import { csvLine, EXPORT_COLUMNS } from './usage-export-format.ts';

const APP_ID = '6f1c1c1e-0000-4000-8000-00000000000a';
const TRICKY = [
  'plain',
  'a,b',
  'say "hi"',
  '"',
  '""',
  ',',
  'two\nlines',
  '\n',
  'cr\rhere',
  'crlf\r\nhere',
  'a "b"\nc,d\n"e"',
  '=1+1',
  '+SUM(A1)',
  '-2+3',
  '@cmd',
  '\tx',
  '\rstart',
  '=HYPERLINK("x")',
  "'already",
  ' =leading space',
  'Ünïcødé — 日本語 🚀',
  '🚀,"\n',
  'back\\slash \\N',
  '\\.',
  'A',
  '9 lives',
  '?',
  '',
];

type Seed = { id: string; at: string; type: string; appName: string | null; description: string; quantity: number; credits: number };

/** Events in the export's order: distinct times, and one tie broken by id. */
function seeds(): Seed[] {
  const out: Seed[] = [];
  const base = Date.parse('2024-06-01T00:00:00.000Z');
  const id = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
  TRICKY.forEach((text, i) => {
    out.push({ id: id(2 * i), at: new Date(base + i * 60_000).toISOString(), type: 'invocation', appName: text, description: text, quantity: i, credits: i % 3 });
  });
  out.push({ id: id(100), at: '2024-06-01T12:00:00.123Z', type: '=type', appName: null, description: 'no app', quantity: 2147483647, credits: 0 });
  out.push({ id: id(101), at: '2024-06-01T12:00:00.123Z', type: 'api_call', appName: null, description: '-tie broken by id', quantity: 1, credits: 0 });
  // Enough rows (≈ 400 KB) to span many COPY chunks, each with quoted multi-line cells.
  for (let i = 0; i < 3000; i++) {
    const description = `row ${i}: "quoted",\n${'x'.repeat(i % 200)}\r\nend — ✓`;
    out.push({ id: id(1000 + i), at: new Date(Date.parse('2024-06-02T00:00:00Z') + i * 1000).toISOString(), type: 'invocation', appName: `app ${i % 7}`, description, quantity: 1, credits: 1 });
  }
  return out;
}

const expectedRow = (s: Seed): UsageExportRow => ({
  id: s.id,
  occurred_at: s.at,
  type: s.type,
  agent_app_id: s.appName === null ? null : APP_ID,
  agent_app_name: s.appName,
  description: s.description,
  quantity: s.quantity,
  credits: s.credits,
});

let t: TestApp;
let owner: Fixture;
let ctx: DomainCtx;
const rows = seeds();

beforeAll(async () => {
  t = await startTestApp();
  owner = await createUserFixture(t);
  ctx = { ...t.services, actor: { kind: 'session', userId: owner.userId, sessionId: 'test', orgId: owner.orgId, role: 'owner' } };
  const other = await createUserFixture(t);
  const values = (orgId: string) =>
    rows.map((s) => ({
      id: orgId === owner.orgId ? s.id : undefined,
      orgId,
      appId: s.appName === null ? null : APP_ID,
      appName: s.appName,
      type: s.type as 'invocation',
      quantity: s.quantity,
      credits: s.credits,
      description: s.description,
      occurredAt: new Date(s.at),
    }));
  for (let i = 0; i < rows.length; i += 500) {
    await t.db.insert(usageEvents).values(values(owner.orgId).slice(i, i + 500));
    await t.db.insert(usageEvents).values(values(other.orgId).slice(i, i + 200)); // another organization's: never exported
  }
  // Outside the range by a millisecond on each side.
  await t.db.insert(usageEvents).values([
    { orgId: owner.orgId, type: 'invocation', description: 'before', occurredAt: new Date('2024-05-31T23:59:59.999Z') },
    { orgId: owner.orgId, type: 'invocation', description: 'after', occurredAt: new Date('2024-06-03T00:00:00.000Z') },
  ]);
});
afterAll(() => t?.close());

async function exportedText(format: 'csv' | 'json'): Promise<{ text: string; rows: number }> {
  const result = await createUsageExport(ctx, { format, startDate: '2024-06-01', endDate: '2024-06-02' });
  const key = new URL(result.downloadUrl).searchParams.get('key')!;
  const chunks: Buffer[] = [];
  for await (const c of await t.services.adapters.storage.get(key)) chunks.push(c as Buffer);
  return { text: Buffer.concat(chunks).toString('utf8'), rows: result.rows };
}

describe(`createUsageExport on ${usingPostgres ? 'PostgreSQL (COPY)' : 'PGlite (batches)'}`, () => {
  it('writes exactly the CSV that csvLine renders: quoting, CSV injection, empty and null cells, unicode', async () => {
    const { text, rows: count } = await exportedText('csv');
    const expected = EXPORT_COLUMNS.join(',') + '\r\n' + rows.map((s) => csvLine(expectedRow(s))).join('');
    expect(count).toBe(rows.length);
    expect(text.length).toBe(expected.length);
    expect(text).toBe(expected);
  });

  it('writes the same events as JSON', async () => {
    const { text, rows: count } = await exportedText('json');
    expect(count).toBe(rows.length);
    const parsed = JSON.parse(text) as Record<string, unknown>[];
    expect(parsed).toEqual(rows.map((s) => Object.fromEntries(EXPORT_COLUMNS.map((c) => [c, expectedRow(s)[c]]))));
  });
});

describe('CsvRecordEnds', () => {
  const csv = 'h1,h2\n"a\nb","say ""hi"""\nplain,"x,\n\n"\n"""",\n"",""\n';
  const crlf = 'h1,h2\r\n"a\nb","say ""hi"""\r\nplain,"x,\n\n"\r\n"""",\r\n"",""\r\n';

  it('ends records with CRLF and leaves LFs inside quoted fields, however the bytes are split', () => {
    const bytes = Buffer.from(csv);
    for (let a = 0; a <= bytes.length; a++) {
      for (let b = a; b <= bytes.length; b += 3) {
        const ends = new CsvRecordEnds();
        const out = Buffer.concat([bytes.subarray(0, a), bytes.subarray(a, b), bytes.subarray(b)].map((c) => ends.convert(c)));
        expect(out.toString(), `split at ${a}, ${b}`).toBe(crlf);
        expect(ends.records).toBe(5);
      }
    }
  });

  it('keeps every byte of chunks without quotes (UTF-8 split anywhere) and counts their records', () => {
    const bytes = Buffer.from('ünïcødé,€ 1\nplain,2\n\n𝄞,3\n');
    const expected = Buffer.from('ünïcødé,€ 1\r\nplain,2\r\n\r\n𝄞,3\r\n');
    for (let a = 0; a <= bytes.length; a++) {
      const ends = new CsvRecordEnds();
      const out = Buffer.concat([bytes.subarray(0, a), bytes.subarray(a)].map((c) => ends.convert(c)));
      expect(out.equals(expected), `split at ${a}`).toBe(true);
      expect(ends.records).toBe(4);
    }
  });
});

describe.skipIf(!usingPostgres)('copyUsageEventsCsv (PostgreSQL only: PGlite has no COPY path)', () => {
  it('gives the connection of a COPY its reader abandons back to the pool', async () => {
    await queryRows(
      t.db,
      sql`insert into usage_events (org_id, type, description, occurred_at)
          select ${owner.orgId}::uuid, 'invocation', repeat('long description ', 20), '2024-07-01T00:00:00Z'::timestamptz + i * interval '1 second'
            from generate_series(1, 20000) as i`,
    );
    const [{ db: name }] = await queryRows<{ db: string }>(t.db, sql`select current_database() as db`);
    const url = new URL(process.env.TEST_DATABASE_URL!);
    url.pathname = `/${name}`;
    const client = postgres(url.toString(), { max: 1, onnotice: () => {} });
    try {
      const range = { from: new Date('2024-07-01T00:00:00Z'), to: new Date('2024-07-03T00:00:00Z') };
      const { body } = await copyUsageEventsCsv(client, owner.orgId, range);
      const first = await new Promise<Buffer>((resolve) => body.once('data', resolve));
      expect(first.toString('utf8', 0, 20)).toBe('occurred_at,type,age');
      body.destroy();
      // The one connection of the pool is free again (a COPY left unread would hold it for ever).
      expect(await client`select 1 as one`).toEqual([{ one: 1 }]);

      // And a COPY read to its end counts its rows.
      const again = await copyUsageEventsCsv(client, owner.orgId, range);
      let lines = 0;
      for await (const chunk of again.body) lines += (chunk as Buffer).toString('latin1').split('\r\n').length - 1;
      expect(lines).toBe(20_001);
      expect(again.rows()).toBe(20_000);
    } finally {
      await client.end();
    }
  });

  it('is the path a CSV export takes on PostgreSQL', () => {
    expect(postgresClientOf(t.db)).not.toBeNull();
  });
});

describe.skipIf(usingPostgres)('on PGlite', () => {
  it('there is no postgres.js client: exports take the batch path', () => {
    expect(postgresClientOf(t.db)).toBeNull();
  });
});
