// What callers see of webhooks and deliveries: never the secret (encrypted or not).
import type { webhookDeliveries, webhookDeliveryAttempts, webhooks } from '../../../db/schema/index.ts';

type WebhookRow = typeof webhooks.$inferSelect;
type DeliveryRow = typeof webhookDeliveries.$inferSelect;
type AttemptRow = typeof webhookDeliveryAttempts.$inferSelect;

export type WebhookView = { id: string; appId: string; url: string; events: string[]; active: boolean; createdAt: Date };

export type WebhookAttemptView = { attempt: number; statusCode: number | null; durationMs: number; error: string | null; createdAt: Date };

export type WebhookDeliveryView = {
  id: string;
  webhookId: string;
  event: string;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: Date | null;
  createdAt: Date;
  completedAt: Date | null;
  attemptsLog: WebhookAttemptView[];
};

export function toWebhookView(w: WebhookRow): WebhookView {
  return { id: w.id, appId: w.appId, url: w.url, events: w.events, active: w.active, createdAt: w.createdAt };
}

export function toDeliveryView(d: DeliveryRow, attempts: AttemptRow[] = []): WebhookDeliveryView {
  return {
    id: d.id,
    webhookId: d.webhookId,
    event: d.event,
    status: d.status,
    attempts: d.attempts,
    lastStatusCode: d.lastStatusCode,
    lastError: d.lastError,
    nextAttemptAt: d.status === 'pending' ? d.nextAttemptAt : null,
    createdAt: d.createdAt,
    completedAt: d.completedAt,
    attemptsLog: attempts
      .slice()
      .sort((a, b) => a.attempt - b.attempt)
      .map((a) => ({ attempt: a.attempt, statusCode: a.statusCode, durationMs: a.durationMs, error: a.error, createdAt: a.createdAt })),
  };
}

/** Scheme, host and port of a URL: what audit rows and logs keep (paths and queries may hold tokens). */
export function urlOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}
