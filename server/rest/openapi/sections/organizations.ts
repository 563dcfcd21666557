// Section 2 of rest-api.md: organizations, members and invitations (server/rest/organizations.ts).
import { z } from 'zod';
import { acceptInvitationInput, invitationToken, inviteMemberInput, updateOrganizationInput } from '../../../domain/orgs/org-schemas.ts';
import { id, messageBody, role, sessionBody, setCookieHeader, timestamp, userRef } from '../common-schemas.ts';
import type { RouteDoc } from '../route-doc.ts';

const tags = ['Organizations'];
const invitableRole = z.enum(['member', 'admin']);

export const organizationRouteDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/organizations/current',
    operationId: 'getCurrentOrganization',
    summary: 'The organization the caller acts in, and the caller’s role',
    tags,
    auth: 'apiKeyOrSession',
    role: 'member',
    responses: {
      200: {
        description: 'The organization.',
        schema: z.strictObject({
          organization: z.strictObject({ id, name: z.string(), credits: z.number().int(), created_at: timestamp }),
          role,
        }),
      },
    },
  },
  {
    method: 'patch',
    path: '/api/organizations/current',
    operationId: 'updateCurrentOrganization',
    summary: 'Rename the organization',
    tags,
    auth: 'apiKeyOrSession',
    role: 'admin',
    request: { body: updateOrganizationInput },
    responses: {
      200: {
        description: 'The updated organization.',
        schema: z.strictObject({ organization: z.strictObject({ id, name: z.string(), credits: z.number().int(), updated_at: timestamp }) }),
      },
    },
   
  },
  {
    method: 'get',
    path: '/api/organizations/members',
    operationId: 'listMembers',
    summary: 'Members of the organization',
    tags,
    auth: 'apiKeyOrSession',
    role: 'member',
    responses: {
      200: {
        description: 'The members.',
        schema: z.strictObject({
          members: z.array(z.strictObject({ id, user_id: id, email: z.string(), role, joined_at: timestamp })),
        }),
      },
    },
  },
  {
    method: 'post',
    path: '/api/organizations/members',
    operationId: 'inviteMember',
    summary: 'Invite a member (or an admin) by email',
    description:
      'Re-inviting an email with an open invitation replaces it and sends a new mail. If the mail cannot be sent the answer is 503 and the invitation stays.',
    tags,
    auth: 'apiKeyOrSession',
    role: 'admin',
    request: { body: inviteMemberInput },
    responses: {
      201: {
        description: 'Invitation created and mailed.',
        schema: z.strictObject({ invitation: z.strictObject({ id, email: z.string(), role: invitableRole, expires_at: timestamp }) }),
      },
    },
    errors: { 400: 'Invalid input (`owner` cannot be invited).', 409: 'The email is already a member.' },
  },
  {
    method: 'delete',
    path: '/api/organizations/members/:userId',
    operationId: 'removeMember',
    summary: 'Remove a member, or leave the organization (your own id)',
    description:
      'Nobody removes an owner but the owner themself; members remove nobody; admins remove members only; the last owner cannot leave (409). Also deletes the API keys that user created in the organization.',
    tags,
    auth: 'apiKeyOrSession',
    role: 'member',
    responses: { 200: { description: 'Removed.', schema: messageBody } },
    errors: { 404: 'No such member.', 409: 'The last owner cannot leave.' },
  },
  {
    method: 'get',
    path: '/api/organizations/invitations',
    operationId: 'listInvitations',
    summary: 'Open invitations',
    tags,
    auth: 'apiKeyOrSession',
    role: 'admin',
    responses: {
      200: {
        description: 'The open invitations.',
        schema: z.strictObject({
          invitations: z.array(
            z.strictObject({ id, email: z.string(), role: invitableRole, expires_at: timestamp, created_at: timestamp, invited_by: userRef.nullable() }),
          ),
        }),
      },
    },
  },
  {
    method: 'delete',
    path: '/api/organizations/invitations/:id',
    operationId: 'revokeInvitation',
    summary: 'Revoke an open invitation',
    tags,
    auth: 'apiKeyOrSession',
    role: 'admin',
    responses: { 200: { description: 'Revoked.', schema: messageBody } },
    errors: { 404: 'No such open invitation.' },
  },
  {
    method: 'get',
    path: '/api/invitations/:token',
    operationId: 'getInvitation',
    summary: 'What an invitation link is for (the accept-invitation page)',
    tags,
    auth: 'public',
    request: { params: z.object({ token: invitationToken }) },
    responses: {
      200: {
        description: 'The invitation.',
        schema: z.strictObject({
          invitation: z.strictObject({
            organization_name: z.string(),
            email: z.string(),
            role: invitableRole,
            expires_at: timestamp,
            account_exists: z.boolean(),
          }),
        }),
      },
    },
    errors: { 400: 'Invalid, expired, revoked or used token (INVALID_TOKEN).' },
  },
  {
    method: 'post',
    path: '/api/invitations/accept',
    operationId: 'acceptInvitation',
    summary: 'Accept an invitation',
    description:
      'A new email needs `password` and gets a verified account plus the login body and cookie. An existing account must be signed in as that user (anonymous → 401, another user or an API key → 403) and gets `{user, organization, role}`.',
    tags,
    auth: 'publicOrSession',
    request: { body: acceptInvitationInput },
    responses: {
      200: {
        description: 'Joined (existing account) or signed up (new account, with the session cookie).',
        schema: z.union([
          sessionBody,
          z.strictObject({
            user: z.strictObject({ id, email: z.string(), created_at: timestamp }),
            organization: z.strictObject({ id, name: z.string() }),
            role,
          }),
        ]),
        headers: setCookieHeader,
      },
    },
    errors: {
      400: 'Invalid input or token (INVALID_TOKEN), or a missing password for a new account.',
      401: 'An account exists for the email: sign in first.',
      403: 'Signed in as another user, or called with an API key.',
    },
  },
];
