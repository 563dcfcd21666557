// Input schemas of the deployment webhooks area, shared by REST, tRPC and the web forms (pure zod).
// Whether a URL's host is allowed (SSRF policy: it must resolve to public addresses) is decided by
// the domain at creation and again at delivery, not here.
import { z } from 'zod';

/** The events a webhook can subscribe to (same list as WEBHOOK_EVENTS in db/schema/deployments.ts). */
export const WEBHOOK_EVENT_NAMES = ['deployment.queued', 'deployment.started', 'deployment.completed', 'deployment.failed'] as const;
export type WebhookEventName = (typeof WEBHOOK_EVENT_NAMES)[number];

export const WEBHOOK_URL_MAX_LENGTH = 2048;
export const WEBHOOK_SECRET_MIN_LENGTH = 16;
export const WEBHOOK_SECRET_MAX_LENGTH = 256;

export const webhookUrl = z
  .string({ message: 'URL is required' })
  .trim()
  .min(1, 'URL is required')
  .max(WEBHOOK_URL_MAX_LENGTH, `URL must be at most ${WEBHOOK_URL_MAX_LENGTH} characters`)
  .superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'URL must be an absolute http:// or https:// URL' });
      return;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      ctx.addIssue({ code: 'custom', message: 'URL must use http or https' });
    } else if (url.username || url.password) {
      ctx.addIssue({ code: 'custom', message: 'URL must not contain credentials; receivers authenticate deliveries with the signing secret' });
    } else if (!url.hostname) {
      ctx.addIssue({ code: 'custom', message: 'URL must have a host' });
    }
  });

/** One or more distinct events, returned in the canonical order. */
export const webhookEvents = z
  .array(z.enum(WEBHOOK_EVENT_NAMES, { message: `Events must be among ${WEBHOOK_EVENT_NAMES.join(', ')}` }), { message: 'events must be an array' })
  .min(1, 'Choose at least one event')
  .max(16, 'Too many events')
  .transform((events) => WEBHOOK_EVENT_NAMES.filter((e) => events.includes(e)));

export const webhookSecret = z
  .string()
  .min(WEBHOOK_SECRET_MIN_LENGTH, `Secret must be at least ${WEBHOOK_SECRET_MIN_LENGTH} characters`)
  .max(WEBHOOK_SECRET_MAX_LENGTH, `Secret must be at most ${WEBHOOK_SECRET_MAX_LENGTH} characters`)
  .regex(/^[\x21-\x7e]+$/, 'Secret must be printable ASCII without spaces');

const createWebhookFields = {
  url: webhookUrl,
  events: webhookEvents,
  /** Optional: a `whsec_…` secret is generated (and returned once) when absent. */
  secret: webhookSecret.optional(),
};

export const createWebhookInput = z.object(createWebhookFields);
export type CreateWebhookInput = z.infer<typeof createWebhookInput>;

export const updateWebhookInput = z
  .object({
    url: webhookUrl.optional(),
    events: webhookEvents.optional(),
    active: z.boolean({ message: 'active must be true or false' }).optional(),
  })
  .refine((v) => v.url !== undefined || v.events !== undefined || v.active !== undefined, {
    message: 'Nothing to update: send url, events or active',
  });
export type UpdateWebhookInput = z.infer<typeof updateWebhookInput>;

export const WEBHOOK_DELIVERIES_DEFAULT_LIMIT = 20;
export const webhookDeliveriesLimit = z.coerce
  .number({ message: 'limit must be a number' })
  .int('limit must be an integer')
  .min(1, 'limit must be between 1 and 100')
  .max(100, 'limit must be between 1 and 100')
  .optional()
  .default(WEBHOOK_DELIVERIES_DEFAULT_LIMIT);
export const listWebhookDeliveriesQuery = z.object({ limit: webhookDeliveriesLimit });

// tRPC inputs (ids are checked by the domain: a malformed id is 404 like an unknown one).
const id = z.string().max(100);
export const webhookAppInput = z.object({ appId: id });
export const webhookIdInput = z.object({ appId: id, webhookId: id });
export const createWebhookProcedureInput = z.object({ appId: id, ...createWebhookFields });
export const updateWebhookProcedureInput = z.object({ appId: id, webhookId: id, patch: updateWebhookInput });
export const webhookDeliveriesProcedureInput = z.object({ appId: id, webhookId: id, limit: webhookDeliveriesLimit });
export const redeliverWebhookProcedureInput = z.object({ appId: id, webhookId: id, deliveryId: id });
