// Group commit for hot keys. Under load, many requests of one organization (a CI fleet, a CLI in a
// loop) need the same database round trip at the same moment: the API-key lookup, the rate-limit
// count. A coalescer runs at most one round trip per key at a time; requests that arrive while one
// is in flight wait for it to finish and are then served together by the next one. That next round
// trip starts after every one of them arrived, so each request still sees every write committed
// before it came in (a revoked key is refused, a count is exact): nothing is cached. With no
// concurrency nothing changes, each request has its own round trip.

export type Coalescer<K, T, R> = {
  /** Queues `item` under `key` and resolves to its own result of the run that serves it. */
  submit(key: K, item: T): Promise<R>;
  /** Keys with a run in flight (for tests and metrics). */
  readonly inFlight: number;
};

type Waiter<T, R> = { item: T; resolve: (r: R) => void; reject: (err: unknown) => void };
type KeyState<T, R> = { next: Waiter<T, R>[] };

/**
 * `run(key, items)` does one round trip for all `items` and returns one result per item, in order.
 * `maxBatch` caps the items of one run; the rest wait for the following run.
 */
export function createCoalescer<K, T, R>(run: (key: K, items: T[]) => Promise<R[]>, options: { maxBatch?: number } = {}): Coalescer<K, T, R> {
  const maxBatch = options.maxBatch ?? 1000;
  const states = new Map<K, KeyState<T, R>>();

  const start = (key: K, state: KeyState<T, R>, batch: Waiter<T, R>[]): void => {
    let pending: Promise<R[]>;
    try {
      pending = run(
        key,
        batch.map((w) => w.item),
      );
    } catch (err) {
      pending = Promise.reject(err);
    }
    pending
      .then((results) => {
        if (results.length !== batch.length) throw new Error(`coalesced run returned ${results.length} results for ${batch.length} items`);
        batch.forEach((w, i) => w.resolve(results[i]));
      })
      .catch((err: unknown) => {
        for (const w of batch) w.reject(err);
      })
      .finally(() => {
        if (state.next.length === 0) {
          states.delete(key);
          return;
        }
        const following = state.next.splice(0, maxBatch);
        start(key, state, following);
      });
  };

  return {
    submit(key, item) {
      return new Promise<R>((resolve, reject) => {
        const waiter: Waiter<T, R> = { item, resolve, reject };
        const state = states.get(key);
        if (state) {
          state.next.push(waiter);
          return;
        }
        const fresh: KeyState<T, R> = { next: [] };
        states.set(key, fresh);
        start(key, fresh, [waiter]);
      });
    },
    get inFlight() {
      return states.size;
    },
  };
}
