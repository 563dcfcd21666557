// Loads (and locks) an API key the actor may manage: owners and admins manage every key of their
// organization, members only the keys they created. Another organization's key is 404.
import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client.ts';
import { apiKeys } from '../../../db/schema/index.ts';
import type { OrgActor } from '../context.ts';
import { forbidden, notFound } from '../errors.ts';
import { isUuid } from '../ids.ts';

export async function loadManageableApiKey(tx: DbOrTx, actor: OrgActor, apiKeyId: string) {
  if (!isUuid(apiKeyId)) throw notFound('API key');
  const [key] = await tx
    .select({ id: apiKeys.id, name: apiKeys.name, keyPreview: apiKeys.keyPreview, createdBy: apiKeys.createdBy })
    .from(apiKeys)
    .where(and(eq(apiKeys.id, apiKeyId), eq(apiKeys.orgId, actor.orgId)))
    .for('update');
  if (!key) throw notFound('API key');
  const mayManageAll = actor.role === 'owner' || actor.role === 'admin';
  if (!mayManageAll && (key.createdBy === null || key.createdBy !== actor.userId)) {
    throw forbidden('Members can only manage the API keys they created');
  }
  return key;
}
