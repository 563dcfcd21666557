// Records the outcome of one delivery attempt (an attempt row) and moves the delivery on: succeeded
// on 2xx, else retried later with backoff, or failed after the last allowed attempt. Only the worker
// holding the attempt's claim changes the delivery (a row re-claimed after an expired lease, or
// deleted with its webhook, is left alone).
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { webhookDeliveries, webhookDeliveryAttempts } from '../../../db/schema/index.ts';

export const ATTEMPT_ERROR_MAX_LENGTH = 500;

export type WebhookAttemptOutcome = 'succeeded' | 'retrying' | 'failed' | 'stale';

export function truncateError(error: string | null): string | null {
  if (error === null) return null;
  return error.length > ATTEMPT_ERROR_MAX_LENGTH ? `${error.slice(0, ATTEMPT_ERROR_MAX_LENGTH - 1)}…` : error;
}

export async function recordWebhookAttempt(
  db: Db,
  input: {
    deliveryId: string;
    attempt: number;
    statusCode: number | null;
    durationMs: number;
    error: string | null;
    maxAttempts: number;
    /** Delay before the next attempt when this one failed and attempts remain. */
    retryDelayMs: number;
  },
): Promise<WebhookAttemptOutcome> {
  const ok = input.error === null && input.statusCode !== null && input.statusCode >= 200 && input.statusCode < 300;
  const error = ok ? null : truncateError(input.error ?? `Target answered HTTP ${input.statusCode}`);
  const outcome: WebhookAttemptOutcome = ok ? 'succeeded' : input.attempt >= input.maxAttempts ? 'failed' : 'retrying';
  return db.transaction(async (tx) => {
    const common = { lastStatusCode: input.statusCode, lastError: error, leaseExpiresAt: null };
    const [updated] = await tx
      .update(webhookDeliveries)
      .set(
        outcome === 'retrying'
          ? { ...common, nextAttemptAt: sql`now() + ${Math.max(0, Math.round(input.retryDelayMs))} * interval '1 millisecond'` }
          : { ...common, status: outcome, completedAt: sql`now()` },
      )
      .where(and(eq(webhookDeliveries.id, input.deliveryId), eq(webhookDeliveries.status, 'pending'), eq(webhookDeliveries.attempts, input.attempt)))
      .returning({ id: webhookDeliveries.id });
    const [exists] = updated ? [updated] : await tx.select({ id: webhookDeliveries.id }).from(webhookDeliveries).where(eq(webhookDeliveries.id, input.deliveryId));
    if (exists) {
      await tx
        .insert(webhookDeliveryAttempts)
        .values({ deliveryId: input.deliveryId, attempt: input.attempt, statusCode: input.statusCode, durationMs: Math.max(0, Math.round(input.durationMs)), error })
        .onConflictDoNothing();
    }
    return updated ? outcome : 'stale';
  });
}
