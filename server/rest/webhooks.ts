// Section 10 of the REST doc: deployment webhooks of an agent app (any member of the organization).
import { Router } from 'express';
import { requireOrgActor, type Services } from '../domain/context.ts';
import { createWebhook } from '../domain/webhooks/create-webhook.ts';
import { deleteWebhook } from '../domain/webhooks/delete-webhook.ts';
import { listWebhookDeliveries } from '../domain/webhooks/list-webhook-deliveries.ts';
import { listWebhooks } from '../domain/webhooks/list-webhooks.ts';
import { redeliverWebhookDelivery } from '../domain/webhooks/redeliver-webhook-delivery.ts';
import { sendTestWebhook } from '../domain/webhooks/send-test-webhook.ts';
import { updateWebhook } from '../domain/webhooks/update-webhook.ts';
import { createWebhookInput, listWebhookDeliveriesQuery, updateWebhookInput } from '../domain/webhooks/webhook-schemas.ts';
import type { WebhookDeliveryView, WebhookView } from '../domain/webhooks/webhook-views.ts';
import { domainCtx } from '../http/request-context.ts';
import { iso, parseInput } from './parse.ts';

const webhookJson = (w: WebhookView) => ({ id: w.id, url: w.url, events: w.events, active: w.active, created_at: iso(w.createdAt) });

const deliveryJson = (d: WebhookDeliveryView) => ({
  id: d.id,
  event: d.event,
  status: d.status,
  attempts: d.attempts,
  last_status_code: d.lastStatusCode,
  last_error: d.lastError,
  next_attempt_at: iso(d.nextAttemptAt),
  created_at: iso(d.createdAt),
  completed_at: iso(d.completedAt),
  attempts_log: d.attemptsLog.map((a) => ({
    attempt: a.attempt,
    status_code: a.statusCode,
    duration_ms: a.durationMs,
    error: a.error,
    created_at: iso(a.createdAt),
  })),
});

export function webhookRoutes(services: Services): Router {
  const r = Router();
  const base = '/agent-apps/:id/webhooks';

  r.get(base, async (req, res) => {
    const list = await listWebhooks(domainCtx(services, req), req.params.id);
    res.json({ webhooks: list.map(webhookJson) });
  });

  r.post(base, async (req, res) => {
    const ctx = domainCtx(services, req);
    requireOrgActor(ctx); // 401 before 400
    const input = parseInput(createWebhookInput, req.body);
    const w = await createWebhook(ctx, req.params.id, input);
    // A generated secret is shown here, once; a secret the caller chose is never echoed.
    res.status(201).json({ webhook: { ...webhookJson(w), ...(w.secret ? { secret: w.secret } : {}) } });
  });

  r.patch(`${base}/:webhookId`, async (req, res) => {
    const ctx = domainCtx(services, req);
    requireOrgActor(ctx);
    const input = parseInput(updateWebhookInput, req.body);
    const w = await updateWebhook(ctx, req.params.id, req.params.webhookId, input);
    res.json({ webhook: webhookJson(w) });
  });

  r.delete(`${base}/:webhookId`, async (req, res) => {
    await deleteWebhook(domainCtx(services, req), req.params.id, req.params.webhookId);
    res.json({ message: 'Webhook deleted successfully' });
  });

  r.get(`${base}/:webhookId/deliveries`, async (req, res) => {
    const ctx = domainCtx(services, req);
    requireOrgActor(ctx);
    const { limit } = parseInput(listWebhookDeliveriesQuery, req.query);
    const deliveries = await listWebhookDeliveries(ctx, req.params.id, req.params.webhookId, { limit });
    res.json({ deliveries: deliveries.map(deliveryJson) });
  });

  r.post(`${base}/:webhookId/test`, async (req, res) => {
    const d = await sendTestWebhook(domainCtx(services, req), req.params.id, req.params.webhookId);
    res.status(202).json({ delivery: deliveryJson(d) });
  });

  r.post(`${base}/:webhookId/deliveries/:deliveryId/redeliver`, async (req, res) => {
    const d = await redeliverWebhookDelivery(domainCtx(services, req), req.params.id, req.params.webhookId, req.params.deliveryId);
    res.status(202).json({ delivery: deliveryJson(d) });
  });

  return r;
}
