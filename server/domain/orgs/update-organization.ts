// Renames the actor's organization (owner or admin).
import { eq } from 'drizzle-orm';
import { organizations } from '../../../db/schema/index.ts';
import { recordAudit } from '../audit.ts';
import { requireRole, type DomainCtx } from '../context.ts';
import { notFound } from '../errors.ts';
import type { UpdateOrganizationInput } from './org-schemas.ts';

export async function updateOrganization(ctx: DomainCtx, input: UpdateOrganizationInput) {
  const actor = requireRole(ctx, 'admin');
  return ctx.db.transaction(async (tx) => {
    const [before] = await tx
      .select({ name: organizations.name })
      .from(organizations)
      .where(eq(organizations.id, actor.orgId))
      .for('no key update');
    if (!before) throw notFound('Organization');
    const [org] = await tx
      .update(organizations)
      .set({ name: input.name, updatedAt: ctx.now() })
      .where(eq(organizations.id, actor.orgId))
      .returning({ id: organizations.id, name: organizations.name, credits: organizations.credits, updatedAt: organizations.updatedAt });
    await recordAudit(tx, actor, {
      orgId: actor.orgId,
      action: 'organization.update',
      resourceType: 'organization',
      resourceId: actor.orgId,
      metadata: { name: { from: before.name, to: input.name } },
    });
    return org;
  });
}
