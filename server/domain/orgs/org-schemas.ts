// Input schemas of the organization area, shared by REST, tRPC and the web app (pure zod).
import { z } from 'zod';

export const organizationName = z
  .string()
  .trim()
  .min(1, 'Name is required')
  .max(100, 'Name must be at most 100 characters');

export const updateOrganizationInput = z.object({ name: organizationName });
export type UpdateOrganizationInput = z.infer<typeof updateOrganizationInput>;

export const createOrganizationInput = z.object({ name: organizationName });
export type CreateOrganizationInput = z.infer<typeof createOrganizationInput>;

export const INVITABLE_ROLES = ['member', 'admin'] as const;

export const inviteMemberInput = z.object({
  email: z.string().trim().toLowerCase().max(254, 'Email is too long').pipe(z.email('Enter a valid email address')),
  role: z.enum(INVITABLE_ROLES, { message: 'Role must be member or admin' }),
});
export type InviteMemberInput = z.infer<typeof inviteMemberInput>;

/** Same rule as the signup password (server/domain/auth/password.ts). */
export const invitationPassword = z
  .string()
  .min(8, 'Password must be at least 8 characters')
  .max(256, 'Password must be at most 256 characters');

export const invitationToken = z.string().min(1, 'Token is required').max(200, 'Token is invalid');

export const invitationTokenInput = z.object({ token: invitationToken });

export const acceptInvitationInput = z.object({
  token: invitationToken,
  /** Needed only when no account exists for the invited email: it creates one. */
  password: invitationPassword.optional(),
});
export type AcceptInvitationInput = z.infer<typeof acceptInvitationInput>;

/** Ids are checked by the domain (a malformed id is 404 like an unknown one). */
export const invitationIdInput = z.object({ id: z.string().max(100) });
export const memberUserIdInput = z.object({ userId: z.string().max(100) });
