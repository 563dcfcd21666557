import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { describe, expect, it } from 'vitest';
import type { Db } from '../../db/client.ts';
import type { DomainCtx } from '../domain/context.ts';
import { coalescedRead, sharedJson } from './coalesced-read.ts';

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

/** Resolves `until(check)` promises as soon as `check()` holds, re-checked on every `changed()`. */
function conditions() {
  const waiting: { check: () => boolean; resolve: () => void }[] = [];
  return {
    until(check: () => boolean): Promise<void> {
      return new Promise((resolve) => {
        if (check()) resolve();
        else waiting.push({ check, resolve });
      });
    },
    changed() {
      for (const w of [...waiting]) {
        if (w.check()) {
          waiting.splice(waiting.indexOf(w), 1);
          w.resolve();
        }
      }
    },
  };
}

describe('sharedJson', () => {
  it('answers the requests of one run with one body (the bytes of res.json), and a later run with the writes before it', async () => {
    const cond = conditions();
    let value = 0;
    let arrived = 0;
    let shaped = 0;
    const runs: { finish(): void }[] = [];
    type Row = { id: string; n: number; at: Date; note: string | null };
    const read = (_ctx: DomainCtx, id: string) =>
      new Promise<Row>((resolve) => {
        const seen = value;
        runs.push({ finish: () => resolve({ id, n: seen, at: new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)), note: 'café ✓ "quoted" \u2028' }) });
        cond.changed();
      });
    const shape = (r: Row) => {
      shaped += 1;
      return { item: { id: r.id, n: r.n, at: r.at.toISOString(), note: r.note, tags: [] } };
    };
    const readShared = coalescedRead(read);
    const send = sharedJson(shape);
    const app = express();
    app.get('/shared/:id', async (req, res) => {
      arrived += 1;
      const pending = readShared(ctxOf('org-1'), req.params.id);
      cond.changed();
      send(res, await pending);
    });
    app.get('/plain/:id', async (req, res) => {
      res.json(shape(await read(ctxOf('org-1'), req.params.id)));
    });
    const server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const get = async (path: string) => {
      const res = await fetch(base + path);
      return { status: res.status, type: res.headers.get('content-type'), length: res.headers.get('content-length'), text: await res.text() };
    };
    try {
      const first = get('/shared/app-1');
      await cond.until(() => arrived === 1 && runs.length === 1);
      value += 1; // a write committed while the first run is in flight
      const batch = [get('/shared/app-1'), get('/shared/app-1')];
      await cond.until(() => arrived === 3);
      expect(runs).toHaveLength(1);
      runs[0].finish();
      await cond.until(() => runs.length === 2); // the waiting requests' run starts after the first one
      runs[1].finish();
      const [a, b] = await Promise.all(batch);
      const before = await first;
      expect(JSON.parse(before.text)).toMatchObject({ item: { n: 0 } });
      expect(JSON.parse(a.text)).toMatchObject({ item: { n: 1 } });
      expect(b).toEqual(a);
      expect(shaped).toBe(2); // once per run, not once per request

      const plain = get('/plain/app-1');
      await cond.until(() => runs.length === 3);
      runs[2].finish();
      expect(await plain).toEqual(a); // status, Content-Type, Content-Length and bytes of res.json
      expect(a.type).toBe('application/json; charset=utf-8');
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
