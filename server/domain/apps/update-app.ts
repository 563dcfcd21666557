import { and, eq, ne } from 'drizzle-orm';
import { agentApps } from '../../../db/schema/index.ts';
import { recordAudit } from '../audit.ts';
import { requireOrgActor, type DomainCtx } from '../context.ts';
import { conflict } from '../errors.ts';
import type { UpdateAppInput } from './app-schemas.ts';
import { findAppOrThrow } from './find-app.ts';
import { findUnreadablePublicKeys } from '../../apkg/verify-signature.ts';
import { AppError } from '../errors.ts';

async function assertPublicKeys(keys: string[]): Promise<string[]> {
  const problems = await findUnreadablePublicKeys(keys);
  if (problems.length) throw new AppError('VALIDATION_ERROR', 'Invalid trusted public key', { details: problems.map((p) => ({ path: `trusted_public_keys.${p.index}`, message: p.message })) });
  return keys;
}

export async function updateApp(ctx: DomainCtx, appId: string, input: UpdateAppInput) {
  const actor = requireOrgActor(ctx);
  return ctx.db.transaction(async (tx) => {
    const app = await findAppOrThrow(tx, actor.orgId, appId, { forUpdate: true });
    if (input.name !== undefined && input.name !== app.name) {
      const [taken] = await tx
        .select({ id: agentApps.id })
        .from(agentApps)
        .where(and(eq(agentApps.orgId, actor.orgId), eq(agentApps.name, input.name), ne(agentApps.id, app.id)))
        .limit(1);
      if (taken) throw conflict(`An agent app named "${input.name}" already exists in this organization`);
    }
    const [updated] = await tx
      .update(agentApps)
      .set({
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.is_public !== undefined ? { isPublic: input.is_public } : {}),
        ...(input.trusted_public_keys !== undefined ? { trustedPublicKeys: await assertPublicKeys(input.trusted_public_keys) } : {}),
        updatedAt: ctx.now(),
      })
      .where(eq(agentApps.id, app.id))
      .returning();
    await recordAudit(tx, actor, { orgId: actor.orgId, action: 'agent_app.update', resourceType: 'agent_app', resourceId: app.id, metadata: { fields: Object.keys(input) } });
    return updated;
  });
}
