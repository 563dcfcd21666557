import { and, desc, eq } from 'drizzle-orm';
import { packages } from '../../../db/schema/index.ts';
import { findAppOrThrow } from '../apps/find-app.ts';
import { requireOrgActor, type DomainCtx } from '../context.ts';

export async function listPackages(ctx: DomainCtx, appId: string) {
  const actor = requireOrgActor(ctx);
  const app = await findAppOrThrow(ctx.db, actor.orgId, appId);
  return ctx.db.select().from(packages).where(and(eq(packages.appId, app.id), eq(packages.orgId, actor.orgId))).orderBy(desc(packages.createdAt));
}
