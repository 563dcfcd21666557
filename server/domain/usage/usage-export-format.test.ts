import { describe, expect, it } from 'vitest';
import { percentChange } from './get-usage-metrics.ts';
import type { UsageExportRow } from './iterate-usage-events.ts';
import { addDays, chartLabel, daysBetween, monthStartDay, utcDay } from './usage-days.ts';
import { csvCell, renderUsageExport } from './usage-export-format.ts';

const row = (i: number, description = `event ${i}`): UsageExportRow => ({
  id: `id-${i}`,
  occurred_at: '2024-01-01T00:00:00.000Z',
  type: 'invocation',
  agent_app_id: null,
  agent_app_name: null,
  description,
  quantity: i,
  credits: 0,
});

async function* rows(n: number, description?: string) {
  for (let i = 0; i < n; i++) yield row(i, description);
}

async function collect(gen: AsyncIterable<string>) {
  const chunks: string[] = [];
  for await (const c of gen) chunks.push(c);
  return chunks;
}

describe('csvCell (RFC 4180 + CSV injection)', () => {
  it('quotes what needs quoting and doubles quotes', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('cr\rhere')).toBe('"cr\rhere"');
    expect(csvCell(null)).toBe('');
    expect(csvCell(42)).toBe('42');
  });

  it('defuses cells a spreadsheet would run as formulas', () => {
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('+SUM(A1)')).toBe("'+SUM(A1)");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@cmd')).toBe("'@cmd");
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell(-5)).toBe('-5'); // numbers are data, not formulas
  });
});

describe('renderUsageExport', () => {
  it('streams CSV in bounded chunks with a header row and CRLF line ends', async () => {
    const chunks = await collect(renderUsageExport(rows(5000, 'x'.repeat(40)), 'csv'));
    expect(chunks.length).toBeGreaterThan(2);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThan(70 * 1024);
    const lines = chunks.join('').split('\r\n');
    expect(lines[0]).toBe('occurred_at,type,agent_app_id,agent_app_name,description,quantity,credits');
    expect(lines).toHaveLength(5002); // header + rows + the empty string after the last CRLF
    expect(lines[1]).toBe(`2024-01-01T00:00:00.000Z,invocation,,,${'x'.repeat(40)},0,0`);
  });

  it('renders JSON arrays, empty or not, and counts rows', async () => {
    let counted = 0;
    expect(JSON.parse((await collect(renderUsageExport(rows(0), 'json'))).join(''))).toEqual([]);
    const parsed = JSON.parse((await collect(renderUsageExport(rows(3), 'json', () => (counted += 1)))).join(''));
    expect(parsed.map((r: { quantity: number }) => r.quantity)).toEqual([0, 1, 2]);
    expect(Object.keys(parsed[0])).toEqual(['occurred_at', 'type', 'agent_app_id', 'agent_app_name', 'description', 'quantity', 'credits']);
    expect(counted).toBe(3);
  });
});

describe('percentChange', () => {
  it('is (current − previous) / previous × 100 with one decimal', () => {
    expect(percentChange(125, 100)).toBe(25);
    expect(percentChange(1, 3)).toBe(-66.7);
    expect(percentChange(2, 3)).toBe(-33.3);
    expect(percentChange(1000, 999)).toBe(0.1);
    expect(percentChange(100, 100)).toBe(0);
    expect(Object.is(percentChange(1000, 1000.01), -0)).toBe(false);
  });

  it('with a previous period of 0: 0 when nothing happened, else 100', () => {
    expect(percentChange(0, 0)).toBe(0);
    expect(percentChange(7, 0)).toBe(100);
    expect(percentChange(0, 5)).toBe(-100);
  });
});

describe('usage days (UTC)', () => {
  it('formats, shifts and labels days', () => {
    expect(utcDay(new Date('2024-03-10T23:59:59.999Z'))).toBe('2024-03-10');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(daysBetween('2024-01-01', '2024-12-31')).toBe(365);
    expect(monthStartDay(new Date('2024-07-19T05:00:00Z'))).toBe('2024-07-01');
    expect(chartLabel('2024-01-01')).toBe('Jan 01');
    expect(chartLabel('2024-12-25')).toBe('Dec 25');
  });
});
