// The webhook deliverer: a loop around claimWebhookDeliveries + deliverWebhook. Up to `concurrency`
// deliveries run in parallel, each bounded by its own timeout, so a hanging target holds one slot at
// most for `timeoutMs` and never blocks the others. It wakes on NOTIFY webhook_deliveries (new
// deliveries) and on a timer (retries that became due, expired leases). stop() waits for the
// deliveries in flight.
import type { DatabaseHandle } from '../../db/client.ts';
import type { Services } from '../domain/context.ts';
import { claimWebhookDeliveries, type ClaimedWebhookDelivery } from '../domain/webhooks/claim-webhook-deliveries.ts';
import { deliverWebhook } from '../domain/webhooks/deliver-webhook.ts';
import { WEBHOOK_DELIVERIES_CHANNEL } from '../domain/webhooks/enqueue-webhook-event.ts';
import { createWebhookAgents } from '../domain/webhooks/post-webhook.ts';
import { WEBHOOK_MAX_ATTEMPTS, webhookRetryDelayMs } from '../domain/webhooks/retry-schedule.ts';

export type WebhookDelivererOptions = {
  services: Services;
  database: Pick<DatabaseHandle, 'listen'>;
  /** Deliveries in flight at once (default 4). */
  concurrency?: number;
  /** Stops the deliverer when aborted (same as stop()). */
  signal?: AbortSignal;
  /** Per-attempt timeout: DNS, connect and the wait for the response headers (default 10 s). */
  timeoutMs?: number;
  /** How often due retries and expired leases are looked for without a NOTIFY (default 5 s). */
  pollIntervalMs?: number;
  /** Lease on a claimed delivery (default 60 s); must exceed timeoutMs. */
  leaseSeconds?: number;
  /** Attempts before a delivery is failed (default 8). */
  maxAttempts?: number;
  /** Delay before retrying after the n-th failed attempt (default: 10 s · 2^(n-1), jitter, ≤ 1 h). */
  retryDelayMs?: (failedAttempt: number) => number;
  /**
   * false: no LISTEN and no timer; deliveries happen only through runOnce() (e.g. driven by an
   * external scheduler). Default true.
   */
  background?: boolean;
};

export type WebhookDeliverer = {
  /** Stops claiming, then waits for the deliveries in flight. */
  stop(): Promise<void>;
  /** Claims up to `concurrency` due deliveries, delivers them in parallel; resolves with their number. */
  runOnce(): Promise<number>;
};

export function startWebhookDeliverer(options: WebhookDelivererOptions): WebhookDeliverer {
  const { services, database } = options;
  const log = services.log.child({ worker: 'webhook-deliverer' });
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxAttempts = options.maxAttempts ?? WEBHOOK_MAX_ATTEMPTS;
  const leaseSeconds = Math.max(options.leaseSeconds ?? 60, Math.ceil(timeoutMs / 1000) + 5);
  const pollIntervalMs = options.pollIntervalMs ?? 5_000;
  const background = options.background ?? true;
  const agents = createWebhookAgents(services.config.webhookAllowPrivateTargets);

  const inFlight = new Set<Promise<unknown>>();
  let stopping = false;
  let pumping: Promise<void> | null = null;
  let pumpAgain = false;

  const claim = (limit: number) => claimWebhookDeliveries(services.db, { limit, leaseSeconds, maxAttempts });

  function track(claimed: ClaimedWebhookDelivery): Promise<unknown> {
    const p = deliverWebhook(services, agents, claimed, { timeoutMs, maxAttempts, retryDelayMs: options.retryDelayMs ?? webhookRetryDelayMs })
      .catch((err) => log.error({ err, deliveryId: claimed.id }, 'webhook delivery could not be recorded; it is retried when its lease expires'))
      .finally(() => {
        inFlight.delete(p);
        // A freed slot takes the next due delivery at once.
        if (background && !stopping) wake();
      });
    inFlight.add(p);
    return p;
  }

  /** Fills free slots until nothing is due. One pump at a time; wakes during a pump are remembered. */
  function wake(): void {
    if (stopping) return;
    if (pumping) {
      pumpAgain = true;
      return;
    }
    pumping = (async () => {
      try {
        do {
          pumpAgain = false;
          while (!stopping && inFlight.size < concurrency) {
            const claimed = await claim(concurrency - inFlight.size);
            for (const c of claimed) track(c);
            if (claimed.length === 0) break;
          }
        } while (pumpAgain && !stopping);
      } catch (err) {
        log.error({ err }, 'could not claim webhook deliveries; retrying on the next tick');
      } finally {
        pumping = null;
      }
    })();
  }

  let timer: NodeJS.Timeout | undefined;
  let unlisten: Promise<(() => Promise<void>) | undefined> = Promise.resolve(undefined);
  if (background) {
    unlisten = database.listen(WEBHOOK_DELIVERIES_CHANNEL, () => wake()).catch((err) => {
      log.error({ err }, 'could not LISTEN for webhook deliveries; relying on the timer');
      return undefined;
    });
    timer = setInterval(wake, pollIntervalMs);
    timer.unref();
    wake();
  }

  let stopped: Promise<void> | undefined;
  async function stop(): Promise<void> {
    stopped ??= (async () => {
      stopping = true;
      if (timer) clearInterval(timer);
      const off = await unlisten;
      if (off) await off().catch((err) => log.warn({ err }, 'could not UNLISTEN webhook deliveries'));
      if (pumping) await pumping;
      // Deliveries already claimed are finished (each is bounded by timeoutMs), not abandoned.
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      agents.http.destroy();
      agents.https.destroy();
    })();
    return stopped;
  }
  options.signal?.addEventListener('abort', () => void stop(), { once: true });
  if (options.signal?.aborted) void stop();

  return {
    stop,
    async runOnce() {
      if (stopping) return 0;
      const claimed = await claim(Math.max(0, concurrency - inFlight.size));
      await Promise.all(claimed.map((c) => track(c)));
      return claimed.length;
    },
  };
}
