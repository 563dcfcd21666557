// Loads an app of the actor's organization, or 404 — also for ids of other organizations and for
// strings that are not ids at all.
import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client.ts';
import { agentApps } from '../../../db/schema/index.ts';
import { notFound } from '../errors.ts';
import { isUuid } from '../ids.ts';

export async function findAppOrThrow(db: DbOrTx, orgId: string, appId: string, opts: { forUpdate?: boolean } = {}) {
  if (!isUuid(appId)) throw notFound('Agent app');
  const q = db
    .select()
    .from(agentApps)
    .where(and(eq(agentApps.id, appId), eq(agentApps.orgId, orgId)))
    .limit(1);
  const [app] = opts.forUpdate ? await q.for('update') : await q;
  if (!app) throw notFound('Agent app');
  return app;
}
