// When a failed delivery is tried again: 10 s · 2^(n-1) after the n-th failed attempt, with ±20 %
// jitter, capped at one hour; after the 8th failed attempt the delivery is failed for good.

export const WEBHOOK_MAX_ATTEMPTS = 8;
const BASE_DELAY_MS = 10_000;
const MAX_DELAY_MS = 3_600_000;

export function webhookRetryDelayMs(failedAttempt: number, random: () => number = Math.random): number {
  const base = BASE_DELAY_MS * 2 ** Math.max(0, failedAttempt - 1);
  return Math.round(Math.min(MAX_DELAY_MS, base * (0.8 + 0.4 * random())));
}
