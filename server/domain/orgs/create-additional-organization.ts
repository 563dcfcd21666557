// A signed-in user creates another organization (org switcher). It starts with 0 credits: the
// signup grant is given once per account, at signup. The session switches to the new organization.
import { and, eq, isNull } from 'drizzle-orm';
import { sessions, users } from '../../../db/schema/index.ts';
import { requireSessionActor, type DomainCtx } from '../context.ts';
import { createOrganization } from './create-organization.ts';
import type { CreateOrganizationInput } from './org-schemas.ts';

export async function createAdditionalOrganization(ctx: DomainCtx, input: CreateOrganizationInput) {
  const actor = requireSessionActor(ctx);
  return ctx.db.transaction(async (tx) => {
    const org = await createOrganization(tx, { name: input.name, ownerUserId: actor.userId, signupCredits: 0, actor });
    await tx.update(sessions).set({ activeOrgId: org.id }).where(eq(sessions.id, actor.sessionId));
    await tx
      .update(users)
      .set({ defaultOrgId: org.id })
      .where(and(eq(users.id, actor.userId), isNull(users.defaultOrgId)));
    return {
      organization: { id: org.id, name: org.name, credits: org.credits, createdAt: org.createdAt, updatedAt: org.updatedAt },
      role: 'owner' as const,
    };
  });
}
