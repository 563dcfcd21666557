// Deletes an API key: the row goes, so the key stops authenticating with the next request.
import { eq } from 'drizzle-orm';
import { apiKeys } from '../../../db/schema/index.ts';
import { recordAudit } from '../audit.ts';
import { requireOrgActor, type DomainCtx } from '../context.ts';
import { loadManageableApiKey } from './load-manageable-api-key.ts';

export async function deleteApiKey(ctx: DomainCtx, apiKeyId: string): Promise<void> {
  const actor = requireOrgActor(ctx);
  await ctx.db.transaction(async (tx) => {
    const key = await loadManageableApiKey(tx, actor, apiKeyId);
    await tx.delete(apiKeys).where(eq(apiKeys.id, key.id));
    await recordAudit(tx, actor, {
      orgId: actor.orgId,
      action: 'api_key.delete',
      resourceType: 'api_key',
      resourceId: key.id,
      metadata: { name: key.name, keyPreview: key.keyPreview },
    });
  });
}
