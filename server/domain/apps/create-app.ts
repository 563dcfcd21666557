import { and, eq } from 'drizzle-orm';
import { agentApps } from '../../../db/schema/index.ts';
import { recordAudit } from '../audit.ts';
import { actorUserId, requireOrgActor, type DomainCtx } from '../context.ts';
import { conflict } from '../errors.ts';
import type { CreateAppInput } from './app-schemas.ts';

export async function createApp(ctx: DomainCtx, input: CreateAppInput) {
  const actor = requireOrgActor(ctx);
  return ctx.db.transaction(async (tx) => {
    const [taken] = await tx
      .select({ id: agentApps.id })
      .from(agentApps)
      .where(and(eq(agentApps.orgId, actor.orgId), eq(agentApps.name, input.name)))
      .limit(1);
    if (taken) throw conflict(`An agent app named "${input.name}" already exists in this organization`);
    const [app] = await tx
      .insert(agentApps)
      .values({ orgId: actor.orgId, name: input.name, description: input.description, isPublic: input.is_public, createdBy: actorUserId(actor) })
      .onConflictDoNothing()
      .returning();
    if (!app) throw conflict(`An agent app named "${input.name}" already exists in this organization`);
    await recordAudit(tx, actor, { orgId: actor.orgId, action: 'agent_app.create', resourceType: 'agent_app', resourceId: app.id, metadata: { name: app.name } });
    return app;
  });
}
