import { describe, expect, it } from 'vitest';
import { createCoalescer } from './request-coalescer.ts';

/** A run that the test finishes by hand, recording what each run was given and when it started. */
function manualRuns() {
  const runs: { key: string; items: number[]; startedAfter: number; finish(results?: string[]): void; fail(err: Error): void }[] = [];
  let submitted = 0;
  const coalescer = createCoalescer<string, number, string>(
    (key, items) =>
      new Promise<string[]>((resolve, reject) => {
        runs.push({ key, items, startedAfter: submitted, finish: (results) => resolve(results ?? items.map((i) => `${key}:${i}`)), fail: reject });
      }),
    { maxBatch: 3 },
  );
  const submit = (key: string, item: number) => {
    submitted++;
    return coalescer.submit(key, item);
  };
  return { runs, submit, coalescer };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('createCoalescer', () => {
  it('runs at once when nothing is in flight, and each item gets its own result', async () => {
    const { runs, submit } = manualRuns();
    const a = submit('k', 1);
    expect(runs).toHaveLength(1);
    expect(runs[0].items).toEqual([1]);
    runs[0].finish();
    await expect(a).resolves.toBe('k:1');
  });

  it('serves the items that arrive during a run with one following run that starts after all of them', async () => {
    const { runs, submit, coalescer } = manualRuns();
    const first = submit('k', 1);
    const waiting = [submit('k', 2), submit('k', 3)];
    expect(runs).toHaveLength(1);
    runs[0].finish();
    await first;
    await settle();
    expect(runs).toHaveLength(2);
    expect(runs[1].items).toEqual([2, 3]);
    // every item of the second run was submitted before that run started
    expect(runs[1].startedAfter).toBe(3);
    runs[1].finish(['two', 'three']);
    await expect(Promise.all(waiting)).resolves.toEqual(['two', 'three']);
    await settle();
    expect(coalescer.inFlight).toBe(0);
  });

  it('keeps keys apart and caps a run at maxBatch items', async () => {
    const { runs, submit } = manualRuns();
    const all = [submit('a', 0), submit('b', 0), ...[1, 2, 3, 4].map((i) => submit('a', i))];
    expect(runs.map((r) => r.key)).toEqual(['a', 'b']);
    runs[0].finish();
    runs[1].finish();
    await settle();
    expect(runs[2].items).toEqual([1, 2, 3]);
    runs[2].finish();
    await settle();
    expect(runs[3].items).toEqual([4]);
    runs[3].finish();
    await expect(Promise.all(all)).resolves.toEqual(['a:0', 'b:0', 'a:1', 'a:2', 'a:3', 'a:4']);
  });

  it('rejects every item of a failed run and goes on with the next one', async () => {
    const { runs, submit } = manualRuns();
    const first = submit('k', 1);
    const second = submit('k', 2);
    runs[0].fail(new Error('database down'));
    await expect(first).rejects.toThrow('database down');
    await settle();
    runs[1].finish();
    await expect(second).resolves.toBe('k:2');
  });

  it('rejects when a run answers the wrong number of results', async () => {
    const { runs, submit } = manualRuns();
    const first = submit('k', 1);
    runs[0].finish(['x', 'y']);
    await expect(first).rejects.toThrow('2 results for 1 items');
  });
});
