// Revokes a pending invitation of the actor's organization (owner or admin): its link stops working.
// The invitation is looked up before the role check, so that another organization's (or an unknown)
// invitation is 404 for every role, as on every other id route.
import { and, eq, isNull } from 'drizzle-orm';
import { invitations } from '../../../db/schema/index.ts';
import { recordAudit } from '../audit.ts';
import { requireOrgActor, requireRole, type DomainCtx } from '../context.ts';
import { notFound } from '../errors.ts';
import { isUuid } from '../ids.ts';

export async function revokeInvitation(ctx: DomainCtx, invitationId: string): Promise<void> {
  const actor = requireOrgActor(ctx);
  if (!isUuid(invitationId)) throw notFound('Invitation');
  await ctx.db.transaction(async (tx) => {
    const [open] = await tx
      .select({ id: invitations.id, email: invitations.email })
      .from(invitations)
      .where(
        and(eq(invitations.id, invitationId), eq(invitations.orgId, actor.orgId), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)),
      )
      .for('update');
    if (!open) throw notFound('Invitation');
    requireRole(ctx, 'admin');
    await tx.update(invitations).set({ revokedAt: ctx.now() }).where(eq(invitations.id, open.id));
    await recordAudit(tx, actor, {
      orgId: actor.orgId,
      action: 'invitation.revoke',
      resourceType: 'invitation',
      resourceId: open.id,
      metadata: { email: open.email },
    });
  });
}
