import { desc, eq, inArray } from 'drizzle-orm';
import { agentApps, packages } from '../../../db/schema/index.ts';
import { requireOrgActor, type DomainCtx } from '../context.ts';

export type AppSummaryPackage = { id: string; version: string; size: number; createdAt: Date };

/** Every app of the organization, newest first, each with its packages (newest first) and live version. */
export async function listApps(ctx: DomainCtx) {
  const actor = requireOrgActor(ctx);
  const apps = await ctx.db.select().from(agentApps).where(eq(agentApps.orgId, actor.orgId)).orderBy(desc(agentApps.createdAt));
  if (apps.length === 0) return [];
  const pkgs = await ctx.db
    .select({ id: packages.id, appId: packages.appId, version: packages.version, size: packages.size, createdAt: packages.createdAt })
    .from(packages)
    .where(inArray(packages.appId, apps.map((a) => a.id)))
    .orderBy(desc(packages.createdAt));
  const byApp = new Map<string, AppSummaryPackage[]>();
  for (const p of pkgs) {
    const list = byApp.get(p.appId) ?? [];
    list.push({ id: p.id, version: p.version, size: p.size, createdAt: p.createdAt });
    byApp.set(p.appId, list);
  }
  return apps.map((app) => {
    const list = byApp.get(app.id) ?? [];
    const active = list.find((p) => p.id === app.activePackageId) ?? null;
    return { ...app, packages: list, activeVersion: active?.version ?? null };
  });
}
