// Makes another organization of the user the active one of the current session and the default
// for future sessions. An organization the user does not belong to is 404, like any foreign id.
import { and, eq } from 'drizzle-orm';
import { memberships, organizations, sessions, users, type Role } from '../../../db/schema/index.ts';
import { requireSessionActor, type DomainCtx } from '../context.ts';
import { notFound } from '../errors.ts';
import type { SwitchOrganizationInput } from './auth-schemas.ts';

export async function switchOrganization(
  ctx: DomainCtx,
  input: SwitchOrganizationInput,
): Promise<{ organization: { id: string; name: string; credits: number }; role: Role }> {
  const actor = requireSessionActor(ctx);
  return ctx.db.transaction(async (tx) => {
    const [m] = await tx
      .select({ id: organizations.id, name: organizations.name, credits: organizations.credits, role: memberships.role })
      .from(memberships)
      .innerJoin(organizations, eq(organizations.id, memberships.orgId))
      .where(and(eq(memberships.userId, actor.userId), eq(memberships.orgId, input.organizationId)))
      .limit(1);
    if (!m) throw notFound('Organization');
    await tx.update(sessions).set({ activeOrgId: m.id }).where(eq(sessions.id, actor.sessionId));
    await tx.update(users).set({ defaultOrgId: m.id, updatedAt: ctx.now() }).where(eq(users.id, actor.userId));
    return { organization: { id: m.id, name: m.name, credits: m.credits }, role: m.role };
  });
}
