// Deployment webhooks for the SPA: the same domain functions as rest/webhooks.ts.
import { createWebhook } from '../domain/webhooks/create-webhook.ts';
import { deleteWebhook } from '../domain/webhooks/delete-webhook.ts';
import { listWebhookDeliveries } from '../domain/webhooks/list-webhook-deliveries.ts';
import { listWebhooks } from '../domain/webhooks/list-webhooks.ts';
import { redeliverWebhookDelivery } from '../domain/webhooks/redeliver-webhook-delivery.ts';
import { sendTestWebhook } from '../domain/webhooks/send-test-webhook.ts';
import { updateWebhook } from '../domain/webhooks/update-webhook.ts';
import {
  createWebhookProcedureInput,
  redeliverWebhookProcedureInput,
  updateWebhookProcedureInput,
  webhookAppInput,
  webhookDeliveriesProcedureInput,
  webhookIdInput,
} from '../domain/webhooks/webhook-schemas.ts';
import { orgProcedure, router } from './init.ts';

export const webhooksRouter = router({
  list: orgProcedure.input(webhookAppInput).query(({ ctx, input }) => listWebhooks(ctx.domain, input.appId)),
  /** `secret` is the generated secret (shown once) or null when the caller chose one. */
  create: orgProcedure.input(createWebhookProcedureInput).mutation(({ ctx, input }) => {
    const { appId, ...rest } = input;
    return createWebhook(ctx.domain, appId, rest);
  }),
  update: orgProcedure.input(updateWebhookProcedureInput).mutation(({ ctx, input }) => updateWebhook(ctx.domain, input.appId, input.webhookId, input.patch)),
  delete: orgProcedure.input(webhookIdInput).mutation(async ({ ctx, input }) => {
    await deleteWebhook(ctx.domain, input.appId, input.webhookId);
    return { id: input.webhookId };
  }),
  deliveries: orgProcedure
    .input(webhookDeliveriesProcedureInput)
    .query(({ ctx, input }) => listWebhookDeliveries(ctx.domain, input.appId, input.webhookId, { limit: input.limit })),
  sendTest: orgProcedure.input(webhookIdInput).mutation(({ ctx, input }) => sendTestWebhook(ctx.domain, input.appId, input.webhookId)),
  redeliver: orgProcedure
    .input(redeliverWebhookProcedureInput)
    .mutation(({ ctx, input }) => redeliverWebhookDelivery(ctx.domain, input.appId, input.webhookId, input.deliveryId)),
});
