// Form schemas: the server's own input schemas (pure zod files), so the browser validates with
// exactly the rules the API applies.
export { emailOnlyInput, loginInput, resetPasswordInput, signupInput } from '../../server/domain/auth/auth-schemas.ts';
export { createApiKeyInput } from '../../server/domain/api-keys/api-key-schemas.ts';
export {
  acceptInvitationInput,
  createOrganizationInput,
  inviteMemberInput,
  updateOrganizationInput,
} from '../../server/domain/orgs/org-schemas.ts';
export { appDescription, appName, createAppInput, updateAppInput } from '../../server/domain/apps/app-schemas.ts';
export { ENV_KEY } from '../../server/domain/packages/package-schemas.ts';
export {
  createWebhookInput,
  WEBHOOK_EVENT_NAMES,
  WEBHOOK_SECRET_MIN_LENGTH,
  webhookSecret,
  webhookUrl,
  type WebhookEventName,
} from '../../server/domain/webhooks/webhook-schemas.ts';
