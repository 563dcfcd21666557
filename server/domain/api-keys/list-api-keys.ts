// Every API key of the actor's organization (secrets are never returned), newest first.
import { desc, eq } from 'drizzle-orm';
import { apiKeys, users } from '../../../db/schema/index.ts';
import { requireOrgActor, type DomainCtx } from '../context.ts';

export async function listApiKeys(ctx: DomainCtx) {
  const actor = requireOrgActor(ctx);
  const rows = await ctx.db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      keyPreview: apiKeys.keyPreview,
      lastUsedAt: apiKeys.lastUsedAt,
      rotatedAt: apiKeys.rotatedAt,
      createdAt: apiKeys.createdAt,
      creatorId: users.id,
      creatorEmail: users.email,
    })
    .from(apiKeys)
    .leftJoin(users, eq(users.id, apiKeys.createdBy))
    .where(eq(apiKeys.orgId, actor.orgId))
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
  return rows.map(({ creatorId, creatorEmail, ...r }) => ({
    ...r,
    createdBy: creatorId && creatorEmail ? { id: creatorId, email: creatorEmail } : null,
  }));
}
