// The JSON a webhook receives: {event, timestamp, [test], data} (section 10 of the REST doc). Rows
// keep the payload as jsonb, which does not preserve key order; serialization restores the
// documented order so that bodies read the same as the documentation.
import type { WebhookEventName } from './webhook-schemas.ts';

export type WebhookPayload = { event: string; timestamp: string; test?: true; data: Record<string, unknown> };

const TOP_LEVEL_ORDER = ['event', 'timestamp', 'test', 'data'];
const DATA_ORDER = ['deployment_id', 'agent_app_id', 'package_id', 'version', 'status', 'duration_seconds', 's3_url', 'error'];

export function webhookPayload(event: WebhookEventName, data: Record<string, unknown>, at: Date, opts: { test?: boolean } = {}): WebhookPayload {
  return { event, timestamp: at.toISOString(), ...(opts.test ? { test: true as const } : {}), data };
}

/** A `deployment.completed`-shaped event marked `"test": true`, with placeholder deployment fields. */
export function testWebhookPayload(appId: string, at: Date): WebhookPayload {
  return webhookPayload(
    'deployment.completed',
    {
      deployment_id: '00000000-0000-0000-0000-000000000000',
      agent_app_id: appId,
      package_id: null,
      version: '0.0.0',
      status: 'completed',
      duration_seconds: 0,
      s3_url: null,
    },
    at,
    { test: true },
  );
}

function ordered(obj: Record<string, unknown>, order: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of order) if (k in obj) out[k] = obj[k];
  for (const k of Object.keys(obj).sort()) if (!(k in out)) out[k] = obj[k];
  return out;
}

/** The raw body sent (and signed) for a stored payload. */
export function serializeWebhookPayload(payload: Record<string, unknown>): string {
  const top = ordered(payload, TOP_LEVEL_ORDER);
  if (top.data && typeof top.data === 'object' && !Array.isArray(top.data)) top.data = ordered(top.data as Record<string, unknown>, DATA_ORDER);
  return JSON.stringify(top);
}
