// Members of the actor's organization, oldest first.
import { asc, eq } from 'drizzle-orm';
import { memberships, users } from '../../../db/schema/index.ts';
import { requireOrgActor, type DomainCtx } from '../context.ts';

export async function listMembers(ctx: DomainCtx) {
  const actor = requireOrgActor(ctx);
  return ctx.db
    .select({
      id: memberships.id,
      userId: memberships.userId,
      email: users.email,
      role: memberships.role,
      joinedAt: memberships.joinedAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.orgId, actor.orgId))
    .orderBy(asc(memberships.joinedAt), asc(memberships.id));
}
