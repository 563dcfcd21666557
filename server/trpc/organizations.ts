// tRPC adapters of the organization area: the same domain functions as rest/organizations.ts,
// camelCase results with Date values (superjson).
import { acceptInvitation } from '../domain/orgs/accept-invitation.ts';
import { createAdditionalOrganization } from '../domain/orgs/create-additional-organization.ts';
import { getCurrentOrganization } from '../domain/orgs/get-current-organization.ts';
import { getInvitationInfo } from '../domain/orgs/get-invitation-info.ts';
import { inviteMember } from '../domain/orgs/invite-member.ts';
import { listInvitations } from '../domain/orgs/list-invitations.ts';
import { listMembers } from '../domain/orgs/list-members.ts';
import {
  acceptInvitationInput,
  createOrganizationInput,
  invitationIdInput,
  invitationTokenInput,
  inviteMemberInput,
  memberUserIdInput,
  updateOrganizationInput,
} from '../domain/orgs/org-schemas.ts';
import { removeMember } from '../domain/orgs/remove-member.ts';
import { revokeInvitation } from '../domain/orgs/revoke-invitation.ts';
import { updateOrganization } from '../domain/orgs/update-organization.ts';
import { setSessionCookie } from '../http/session-cookie.ts';
import { orgProcedure, publicProcedure, router, sessionProcedure } from './init.ts';

export const orgRouter = router({
  current: orgProcedure.query(({ ctx }) => getCurrentOrganization(ctx.domain)),

  update: orgProcedure.input(updateOrganizationInput).mutation(async ({ ctx, input }) => {
    const organization = await updateOrganization(ctx.domain, input);
    return { organization };
  }),

  members: orgProcedure.query(({ ctx }) => listMembers(ctx.domain)),

  invite: orgProcedure.input(inviteMemberInput).mutation(async ({ ctx, input }) => {
    const { replaced, ...invitation } = await inviteMember(ctx.domain, input);
    return { invitation, replaced };
  }),

  invitations: orgProcedure.query(({ ctx }) => listInvitations(ctx.domain)),

  revokeInvitation: orgProcedure.input(invitationIdInput).mutation(async ({ ctx, input }) => {
    await revokeInvitation(ctx.domain, input.id);
    return { id: input.id };
  }),

  removeMember: orgProcedure.input(memberUserIdInput).mutation(async ({ ctx, input }) => {
    await removeMember(ctx.domain, input.userId);
    return { userId: input.userId };
  }),

  invitationInfo: publicProcedure.input(invitationTokenInput).query(({ ctx, input }) => getInvitationInfo(ctx.domain, input.token)),

  acceptInvitation: publicProcedure.input(acceptInvitationInput).mutation(async ({ ctx, input }) => {
    const result = await acceptInvitation(ctx.domain, input, { userAgent: ctx.req.get('user-agent') ?? null });
    if (result.kind === 'signedUp') {
      setSessionCookie(ctx.services.lucia, ctx.res, result.session);
    }
    return { user: result.user, organization: result.organization, role: result.role, createdAccount: result.kind === 'signedUp' };
  }),

  create: sessionProcedure.input(createOrganizationInput).mutation(({ ctx, input }) => createAdditionalOrganization(ctx.domain, input)),
});
