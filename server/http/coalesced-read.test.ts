import { describe, expect, it } from 'vitest';
import type { Db } from '../../db/client.ts';
import type { DomainCtx } from '../domain/context.ts';
import { coalescedRead } from './coalesced-read.ts';

const db = {} as Db;
const otherDb = {} as Db;
const ctxOf = (orgId: string | null, database: Db = db): DomainCtx =>
  ({ db: database, actor: orgId ? { kind: 'apiKey', apiKeyId: 'k', orgId, role: 'member', userId: null } : { kind: 'anonymous' } }) as unknown as DomainCtx;

/** A read of a value that the test changes ("writes"); each run is finished by hand. */
function fakeStore() {
  let value = 0;
  const runs: { orgId: string | null; arg: string; seen: number; finish(): void }[] = [];
  const read = (ctx: DomainCtx, arg: string) =>
    new Promise<string>((resolve) => {
      const seen = value;
      const orgId = ctx.actor.kind === 'anonymous' ? null : ctx.actor.orgId;
      runs.push({ orgId, arg, seen, finish: () => resolve(`${orgId}:${arg}:${seen}`) });
    });
  return { runs, read: coalescedRead(read), write: () => value++ };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('coalescedRead', () => {
  it('serves identical concurrent reads of one organization with one run', async () => {
    const s = fakeStore();
    const first = s.read(ctxOf('org-1'), 'apps');
    const joined = [s.read(ctxOf('org-1'), 'apps'), s.read(ctxOf('org-1'), 'apps')];
    s.runs[0].finish();
    await first;
    await settle();
    expect(s.runs).toHaveLength(2);
    s.runs[1].finish();
    expect(await Promise.all(joined)).toEqual(['org-1:apps:0', 'org-1:apps:0']);
  });

  it('never answers a read with a run that started before the read arrived: it sees earlier writes', async () => {
    const s = fakeStore();
    const before = s.read(ctxOf('org-1'), 'apps');
    s.write(); // committed while the first run is in flight
    const after = s.read(ctxOf('org-1'), 'apps');
    s.runs[0].finish();
    expect(await before).toBe('org-1:apps:0');
    await settle();
    s.runs[1].finish();
    expect(await after).toBe('org-1:apps:1');
  });

  it('keeps organizations, arguments and databases apart, and runs reads without an organization directly', async () => {
    const s = fakeStore();
    const reads = [s.read(ctxOf('org-1'), 'a'), s.read(ctxOf('org-2'), 'a'), s.read(ctxOf('org-1'), 'b'), s.read(ctxOf('org-1', otherDb), 'a'), s.read(ctxOf(null), 'a'), s.read(ctxOf(null), 'a')];
    expect(s.runs.map((r) => `${r.orgId}:${r.arg}`)).toEqual(['org-1:a', 'org-2:a', 'org-1:b', 'org-1:a', 'null:a', 'null:a']);
    for (const r of s.runs) r.finish();
    expect(await Promise.all(reads)).toHaveLength(6);
  });
});
