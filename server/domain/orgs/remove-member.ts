// Removes a member from the actor's organization, or lets a user leave it.
// Rules: nobody removes an owner but the owner themself; members remove nobody; admins remove
// members only; anyone may leave, except the last owner (409). The removed user's sessions stop
// pointing at the organization and the API keys they created in it are deleted.
import { and, asc, eq, ne } from 'drizzle-orm';
import { apiKeys, memberships, organizations, sessions, users } from '../../../db/schema/index.ts';
import { recordAudit } from '../audit.ts';
import { requireOrgActor, type DomainCtx } from '../context.ts';
import { conflict, forbidden, notFound } from '../errors.ts';
import { isUuid } from '../ids.ts';

export async function removeMember(ctx: DomainCtx, targetUserId: string): Promise<void> {
  const actor = requireOrgActor(ctx);
  if (!isUuid(targetUserId)) throw notFound('Member');
  await ctx.db.transaction(async (tx) => {
    // One removal at a time per organization: the last-owner check below cannot race another
    // owner leaving. (NO KEY UPDATE does not block inserts that merely reference the organization.)
    const [org] = await tx
      .select({ id: organizations.id })
      .from(organizations)
      .where(eq(organizations.id, actor.orgId))
      .for('no key update');
    if (!org) throw notFound('Member');
    const [target] = await tx
      .select({ id: memberships.id, role: memberships.role, email: users.email })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.orgId, actor.orgId), eq(memberships.userId, targetUserId)));
    if (!target) throw notFound('Member');

    const leaving = actor.userId === targetUserId;
    if (leaving) {
      if (target.role === 'owner') {
        const owners = await tx
          .select({ id: memberships.id })
          .from(memberships)
          .where(and(eq(memberships.orgId, actor.orgId), eq(memberships.role, 'owner')));
        if (owners.length <= 1) {
          throw conflict('The last owner cannot leave the organization');
        }
      }
    } else {
      if (target.role === 'owner') throw forbidden('The organization owner cannot be removed');
      if (actor.role === 'member') throw forbidden('Only owners and admins can remove members');
      if (actor.role === 'admin' && target.role !== 'member') throw forbidden('Admins can only remove members');
    }

    await tx.delete(memberships).where(eq(memberships.id, target.id));
    await tx
      .update(sessions)
      .set({ activeOrgId: null })
      .where(and(eq(sessions.userId, targetUserId), eq(sessions.activeOrgId, actor.orgId)));
    const deletedKeys = await tx
      .delete(apiKeys)
      .where(and(eq(apiKeys.orgId, actor.orgId), eq(apiKeys.createdBy, targetUserId)))
      .returning({ id: apiKeys.id });
    // New sessions of the removed user start in another organization of theirs, if any.
    const [other] = await tx
      .select({ orgId: memberships.orgId })
      .from(memberships)
      .where(and(eq(memberships.userId, targetUserId), ne(memberships.orgId, actor.orgId)))
      .orderBy(asc(memberships.joinedAt))
      .limit(1);
    await tx
      .update(users)
      .set({ defaultOrgId: other?.orgId ?? null })
      .where(and(eq(users.id, targetUserId), eq(users.defaultOrgId, actor.orgId)));

    await recordAudit(tx, actor, {
      orgId: actor.orgId,
      action: leaving ? 'member.leave' : 'member.remove',
      resourceType: 'member',
      resourceId: targetUserId,
      metadata: { email: target.email, role: target.role, deletedApiKeys: deletedKeys.map((k) => k.id) },
    });
  });
}
