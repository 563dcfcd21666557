// Section 10 of rest-api.md: deployment webhooks, plus update, deliveries, test and redeliver
// (server/rest/webhooks.ts).
import { z } from 'zod';
import { WEBHOOK_EVENT_NAMES, createWebhookInput, listWebhookDeliveriesQuery, updateWebhookInput } from '../../../domain/webhooks/webhook-schemas.ts';
import { count, id, messageBody, nullableTimestamp, timestamp } from '../common-schemas.ts';
import type { RouteDoc } from '../route-doc.ts';

const tags = ['Webhooks'];

const webhookFields = { id, url: z.string(), events: z.array(z.enum(WEBHOOK_EVENT_NAMES)), active: z.boolean(), created_at: timestamp };
export const webhookSchema = z.strictObject(webhookFields).meta({ id: 'Webhook' });

export const webhookDeliverySchema = z
  .strictObject({
    id,
    event: z.string(),
    status: z.enum(['pending', 'succeeded', 'failed']),
    attempts: count,
    last_status_code: z.number().int().nullable(),
    last_error: z.string().nullable(),
    next_attempt_at: nullableTimestamp.describe('When the next attempt is due (pending deliveries only).'),
    created_at: timestamp,
    completed_at: nullableTimestamp,
    attempts_log: z.array(
      z.strictObject({
        attempt: z.number().int().min(1),
        status_code: z.number().int().nullable(),
        duration_ms: count,
        error: z.string().nullable(),
        created_at: timestamp,
      }),
    ),
  })
  .meta({ id: 'WebhookDelivery' });

const appAndWebhook = 'No such app or webhook in the organization.';

export const webhookRouteDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/agent-apps/:id/webhooks',
    operationId: 'listWebhooks',
    summary: 'Webhooks of an agent app',
    tags,
    auth: 'apiKeyOrSession',
    role: 'member',
    responses: { 200: { description: 'The webhooks (never their secrets).', schema: z.strictObject({ webhooks: z.array(webhookSchema) }) } },
    errors: { 404: 'No such app in the organization.' },
  },
  {
    method: 'post',
    path: '/api/agent-apps/:id/webhooks',
    operationId: 'createWebhook',
    summary: 'Create a webhook for deployment events',
    description:
      'Only http(s) URLs whose host resolves to public addresses (checked now and at every delivery). Without `secret` a `whsec_…` secret is generated and returned once as `webhook.secret`. At most 20 webhooks per app.',
    tags,
    auth: 'apiKeyOrSession',
    role: 'member',
    request: { body: createWebhookInput },
    responses: {
      201: {
        description: 'Created.',
        schema: z.strictObject({
          webhook: z.strictObject({ ...webhookFields, secret: z.string().optional().describe('The generated signing secret, shown once.') }),
        }),
      },
    },
    errors: { 400: 'Invalid input or a non-public target.', 404: 'No such app in the organization.', 409: 'The app has 20 webhooks.' },
  },
  {
    method: 'patch',
    path: '/api/agent-apps/:id/webhooks/:webhookId',
    operationId: 'updateWebhook',
    summary: 'Update a webhook',
    tags,
    auth: 'apiKeyOrSession',
    role: 'member',
    request: { body: updateWebhookInput },
    responses: { 200: { description: 'The updated webhook.', schema: z.strictObject({ webhook: webhookSchema }) } },
    errors: { 400: 'Invalid input or a non-public target.', 404: appAndWebhook },
  },
  {
    method: 'delete',
    path: '/api/agent-apps/:id/webhooks/:webhookId',
    operationId: 'deleteWebhook',
    summary: 'Delete a webhook',
    tags,
    auth: 'apiKeyOrSession',
    role: 'member',
    responses: { 200: { description: 'Deleted.', schema: messageBody } },
    errors: { 404: appAndWebhook },
  },
  {
    method: 'get',
    path: '/api/agent-apps/:id/webhooks/:webhookId/deliveries',
    operationId: 'listWebhookDeliveries',
    summary: 'Recent deliveries of a webhook, newest first, with every attempt',
    tags,
    auth: 'apiKeyOrSession',
    role: 'member',
    request: { query: listWebhookDeliveriesQuery },
    responses: { 200: { description: 'The deliveries.', schema: z.strictObject({ deliveries: z.array(webhookDeliverySchema) }) } },
    errors: { 404: appAndWebhook },
  },
  {
    method: 'post',
    path: '/api/agent-apps/:id/webhooks/:webhookId/test',
    operationId: 'sendTestWebhook',
    summary: 'Queue a test delivery (a deployment.completed-shaped event with "test": true)',
    tags,
    auth: 'apiKeyOrSession',
    role: 'member',
    responses: { 202: { description: 'Queued.', schema: z.strictObject({ delivery: webhookDeliverySchema }) } },
    errors: { 404: appAndWebhook, 409: 'The webhook is inactive.' },
  },
  {
    method: 'post',
    path: '/api/agent-apps/:id/webhooks/:webhookId/deliveries/:deliveryId/redeliver',
    operationId: 'redeliverWebhookDelivery',
    summary: 'Send a delivery again',
    tags,
    auth: 'apiKeyOrSession',
    role: 'member',
    responses: { 202: { description: 'Queued.', schema: z.strictObject({ delivery: webhookDeliverySchema }) } },
    errors: { 404: 'No such app, webhook or delivery in the organization.', 409: 'The webhook is inactive.' },
  },
];
