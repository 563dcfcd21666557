// The organization the actor acts in (the session's active org, or the org owning the API key).
import { eq } from 'drizzle-orm';
import { organizations } from '../../../db/schema/index.ts';
import { requireOrgActor, type DomainCtx } from '../context.ts';
import { notFound } from '../errors.ts';

export async function getCurrentOrganization(ctx: DomainCtx) {
  const actor = requireOrgActor(ctx);
  const [org] = await ctx.db
    .select({
      id: organizations.id,
      name: organizations.name,
      credits: organizations.credits,
      createdAt: organizations.createdAt,
      updatedAt: organizations.updatedAt,
    })
    .from(organizations)
    .where(eq(organizations.id, actor.orgId));
  if (!org) throw notFound('Organization');
  return { organization: org, role: actor.role };
}
