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
