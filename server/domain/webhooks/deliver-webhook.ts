// Delivers one claimed attempt: signs the stored payload with the webhook's secret, POSTs it
// (outside any transaction) and records the outcome. Never throws for target failures.
import type { Services } from '../context.ts';
import type { ClaimedWebhookDelivery } from './claim-webhook-deliveries.ts';
import { postWebhook, type WebhookAgents, type WebhookPostResult } from './post-webhook.ts';
import { recordWebhookAttempt, type WebhookAttemptOutcome } from './record-webhook-attempt.ts';
import { webhookRetryDelayMs } from './retry-schedule.ts';
import { serializeWebhookPayload } from './webhook-payload.ts';
import { buildWebhookRequest } from './webhook-signature.ts';
import { urlOrigin } from './webhook-views.ts';

export async function deliverWebhook(
  services: Pick<Services, 'db' | 'secrets' | 'log'>,
  agents: WebhookAgents,
  claimed: ClaimedWebhookDelivery,
  opts: { timeoutMs: number; maxAttempts: number; retryDelayMs?: (failedAttempt: number) => number },
): Promise<WebhookAttemptOutcome> {
  let result: WebhookPostResult;
  let secret: string | undefined;
  try {
    secret = services.secrets.decrypt(claimed.secretEncrypted);
  } catch (err) {
    services.log.error({ err: { message: (err as Error).message }, deliveryId: claimed.id, webhookId: claimed.webhookId }, 'webhook secret could not be decrypted');
  }
  if (secret === undefined) {
    result = { statusCode: null, durationMs: 0, error: 'The signing secret could not be decrypted (encryption key changed?)' };
  } else {
    const { body, headers } = buildWebhookRequest({
      deliveryId: claimed.id,
      event: claimed.event,
      body: serializeWebhookPayload(claimed.payload),
      secret,
      timestampSeconds: Math.floor(Date.now() / 1000),
    });
    result = await postWebhook(agents, { url: claimed.url, body, headers, timeoutMs: opts.timeoutMs });
  }
  const outcome = await recordWebhookAttempt(services.db, {
    deliveryId: claimed.id,
    attempt: claimed.attempt,
    statusCode: result.statusCode,
    durationMs: result.durationMs,
    error: result.error,
    maxAttempts: opts.maxAttempts,
    retryDelayMs: (opts.retryDelayMs ?? webhookRetryDelayMs)(claimed.attempt),
  });
  const fields = {
    deliveryId: claimed.id,
    webhookId: claimed.webhookId,
    orgId: claimed.orgId,
    event: claimed.event,
    attempt: claimed.attempt,
    target: urlOrigin(claimed.url),
    statusCode: result.statusCode,
    durationMs: result.durationMs,
    outcome,
  };
  if (outcome === 'succeeded') services.log.info(fields, 'webhook delivered');
  else services.log.warn({ ...fields, error: result.error }, 'webhook delivery attempt failed');
  return outcome;
}
