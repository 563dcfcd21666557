import { desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { agentApps, packages } from '../../../db/schema/index.ts';
import { requireOrgActor, type DomainCtx } from '../context.ts';

export type AppSummaryPackage = { id: string; version: string; size: number; createdAt: Date };

type PackageRow = { id: string; version: string; size: number; createdAt: string };

/** One statement, built once per database handle: the apps of an organization with their packages. */
function buildListQuery(db: Db) {
  return db
    .select({
      app: agentApps,
      packages: sql<PackageRow[]>`coalesce((
        select json_agg(json_build_object('id', ${packages.id}, 'version', ${packages.version}, 'size', ${packages.size}, 'createdAt', ${packages.createdAt})
                        order by ${packages.createdAt} desc)
        from ${packages} where ${packages.appId} = ${agentApps.id}), '[]'::json)`,
    })
    .from(agentApps)
    .where(eq(agentApps.orgId, sql.placeholder('orgId')))
    .orderBy(desc(agentApps.createdAt))
    .prepare('list_apps');
}

const prepared = new WeakMap<Db, ReturnType<typeof buildListQuery>>();

/** Every app of the organization, newest first, each with its packages (newest first) and live version. */
export async function listApps(ctx: DomainCtx) {
  const actor = requireOrgActor(ctx);
  let query = prepared.get(ctx.db);
  if (!query) {
    query = buildListQuery(ctx.db);
    prepared.set(ctx.db, query);
  }
  const rows = await query.execute({ orgId: actor.orgId });
  return rows.map(({ app, packages: list }) => {
    const pkgs: AppSummaryPackage[] = list.map((p) => ({ id: p.id, version: p.version, size: Number(p.size), createdAt: new Date(p.createdAt) }));
    const active = pkgs.find((p) => p.id === app.activePackageId) ?? null;
    return { ...app, packages: pkgs, activeVersion: active?.version ?? null };
  });
}
