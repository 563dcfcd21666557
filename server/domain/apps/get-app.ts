import { desc, eq } from 'drizzle-orm';
import { packages } from '../../../db/schema/index.ts';
import { requireOrgActor, type DomainCtx } from '../context.ts';
import { findAppOrThrow } from './find-app.ts';

/** One app of the organization with all its packages (newest first). */
export async function getApp(ctx: DomainCtx, appId: string) {
  const actor = requireOrgActor(ctx);
  const app = await findAppOrThrow(ctx.db, actor.orgId, appId);
  const pkgs = await ctx.db.select().from(packages).where(eq(packages.appId, app.id)).orderBy(desc(packages.createdAt));
  const active = pkgs.find((p) => p.id === app.activePackageId) ?? null;
  return { ...app, packages: pkgs, activeVersion: active?.version ?? null };
}
