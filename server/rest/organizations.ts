// Section 2 of the REST doc: organizations, members, invitations. Thin adapters: parse -> actor ->
// domain function -> documented snake_case shape.
import { Router } from 'express';
import { requireOrgActor, type Services } from '../domain/context.ts';
import { acceptInvitation } from '../domain/orgs/accept-invitation.ts';
import { getCurrentOrganization } from '../domain/orgs/get-current-organization.ts';
import { getInvitationInfo } from '../domain/orgs/get-invitation-info.ts';
import { inviteMember } from '../domain/orgs/invite-member.ts';
import { listInvitations } from '../domain/orgs/list-invitations.ts';
import { listMembers } from '../domain/orgs/list-members.ts';
import { acceptInvitationInput, invitationToken, inviteMemberInput, updateOrganizationInput } from '../domain/orgs/org-schemas.ts';
import { removeMember } from '../domain/orgs/remove-member.ts';
import { revokeInvitation } from '../domain/orgs/revoke-invitation.ts';
import { updateOrganization } from '../domain/orgs/update-organization.ts';
import { domainCtx } from '../http/request-context.ts';
import { setSessionCookie } from '../http/session-cookie.ts';
import { iso, parseInput } from './parse.ts';

export function organizationRoutes(services: Services): Router {
  const r = Router();

  r.get('/organizations/current', async (req, res) => {
    const { organization: o, role } = await getCurrentOrganization(domainCtx(services, req));
    res.json({ organization: { id: o.id, name: o.name, credits: o.credits, created_at: iso(o.createdAt) }, role });
  });

  r.patch('/organizations/current', async (req, res) => {
    const ctx = domainCtx(services, req);
    requireOrgActor(ctx); // 401 before 400
    const input = parseInput(updateOrganizationInput, req.body);
    const o = await updateOrganization(ctx, input);
    res.json({ organization: { id: o.id, name: o.name, credits: o.credits, updated_at: iso(o.updatedAt) } });
  });

  r.get('/organizations/members', async (req, res) => {
    const members = await listMembers(domainCtx(services, req));
    res.json({
      members: members.map((m) => ({ id: m.id, user_id: m.userId, email: m.email, role: m.role, joined_at: iso(m.joinedAt) })),
    });
  });

  r.post('/organizations/members', async (req, res) => {
    const ctx = domainCtx(services, req);
    requireOrgActor(ctx);
    const input = parseInput(inviteMemberInput, req.body);
    const inv = await inviteMember(ctx, input);
    res.status(201).json({ invitation: { id: inv.id, email: inv.email, role: inv.role, expires_at: iso(inv.expiresAt) } });
  });

  r.delete('/organizations/members/:userId', async (req, res) => {
    await removeMember(domainCtx(services, req), req.params.userId);
    res.json({ message: 'Member removed successfully' });
  });

  r.get('/organizations/invitations', async (req, res) => {
    const invitations = await listInvitations(domainCtx(services, req));
    res.json({
      invitations: invitations.map((i) => ({
        id: i.id,
        email: i.email,
        role: i.role,
        expires_at: iso(i.expiresAt),
        created_at: iso(i.createdAt),
        invited_by: i.invitedBy,
      })),
    });
  });

  r.delete('/organizations/invitations/:id', async (req, res) => {
    await revokeInvitation(domainCtx(services, req), req.params.id);
    res.json({ message: 'Invitation revoked successfully' });
  });

  // Public: the accept-invitation page.
  r.get('/invitations/:token', async (req, res) => {
    const ctx = domainCtx(services, req);
    const token = parseInput(invitationToken, req.params.token);
    const info = await getInvitationInfo(ctx, token);
    res.json({
      invitation: {
        organization_name: info.organizationName,
        email: info.email,
        role: info.role,
        expires_at: iso(info.expiresAt),
        account_exists: info.accountExists,
      },
    });
  });

  r.post('/invitations/accept', async (req, res) => {
    const ctx = domainCtx(services, req);
    const input = parseInput(acceptInvitationInput, req.body);
    const result = await acceptInvitation(ctx, input, { userAgent: req.get('user-agent') ?? null });
    const user = { id: result.user.id, email: result.user.email, created_at: iso(result.user.createdAt) };
    if (result.kind === 'signedUp') {
      const s = result.session;
      setSessionCookie(services.lucia, res, s);
      res.json({
        user,
        session: {
          access_token: s.accessToken,
          refresh_token: s.refreshToken,
          expires_in: Math.max(0, Math.round((s.expiresAt.getTime() - services.now().getTime()) / 1000)),
        },
      });
      return;
    }
    res.json({ user, organization: result.organization, role: result.role });
  });

  return r;
}
