// Who is signed in, in which organization, and which other organizations they can switch to.
import { asc, eq } from 'drizzle-orm';
import { memberships, organizations, users, type Role } from '../../../db/schema/index.ts';
import { requireSessionActor, type DomainCtx } from '../context.ts';
import { unauthorized } from '../errors.ts';

export type SessionInfo = {
  user: { id: string; email: string; emailVerified: boolean; createdAt: Date };
  /** The active organization; null when the user belongs to none. */
  organization: { id: string; name: string; credits: number; role: Role } | null;
  organizations: Array<{ id: string; name: string; role: Role }>;
};

export async function getSessionInfo(ctx: DomainCtx): Promise<SessionInfo> {
  const actor = requireSessionActor(ctx);
  const [user] = await ctx.db
    .select({ id: users.id, email: users.email, emailVerifiedAt: users.emailVerifiedAt, createdAt: users.createdAt })
    .from(users)
    .where(eq(users.id, actor.userId));
  if (!user) throw unauthorized();
  const orgs = await ctx.db
    .select({ id: organizations.id, name: organizations.name, credits: organizations.credits, role: memberships.role })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.orgId))
    .where(eq(memberships.userId, actor.userId))
    .orderBy(asc(organizations.name), asc(organizations.id));
  const active = actor.orgId ? orgs.find((o) => o.id === actor.orgId) : undefined;
  return {
    user: { id: user.id, email: user.email, emailVerified: user.emailVerifiedAt !== null, createdAt: user.createdAt },
    organization: active ? { id: active.id, name: active.name, credits: active.credits, role: active.role } : null,
    organizations: orgs.map((o) => ({ id: o.id, name: o.name, role: o.role })),
  };
}
