// Pending invitations of the actor's organization (owner or admin): not accepted, not revoked,
// not expired. Newest first.
import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import { invitations, users } from '../../../db/schema/index.ts';
import { requireRole, type DomainCtx } from '../context.ts';

export async function listInvitations(ctx: DomainCtx) {
  const actor = requireRole(ctx, 'admin');
  const rows = await ctx.db
    .select({
      id: invitations.id,
      email: invitations.email,
      role: invitations.role,
      expiresAt: invitations.expiresAt,
      createdAt: invitations.createdAt,
      inviterId: users.id,
      inviterEmail: users.email,
    })
    .from(invitations)
    .leftJoin(users, eq(users.id, invitations.invitedBy))
    .where(
      and(
        eq(invitations.orgId, actor.orgId),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
        gt(invitations.expiresAt, ctx.now()),
      ),
    )
    .orderBy(desc(invitations.createdAt), desc(invitations.id));
  return rows.map(({ inviterId, inviterEmail, ...r }) => ({
    ...r,
    invitedBy: inviterId && inviterEmail ? { id: inviterId, email: inviterEmail } : null,
  }));
}
