// Rotates an API key: same row, new secret. Hash, preview and rotated_at change in one UPDATE, so
// the old secret stops authenticating the moment the transaction commits.
import { eq } from 'drizzle-orm';
import { apiKeys } from '../../../db/schema/index.ts';
import { recordAudit } from '../audit.ts';
import { requireOrgActor, type DomainCtx } from '../context.ts';
import { generateApiKey } from './generate-api-key.ts';
import { loadManageableApiKey } from './load-manageable-api-key.ts';

export async function rotateApiKey(ctx: DomainCtx, apiKeyId: string) {
  const actor = requireOrgActor(ctx);
  const { key, keyHash, keyPreview } = generateApiKey();
  return ctx.db.transaction(async (tx) => {
    const current = await loadManageableApiKey(tx, actor, apiKeyId);
    const [row] = await tx
      .update(apiKeys)
      .set({ keyHash, keyPreview, rotatedAt: ctx.now() })
      .where(eq(apiKeys.id, current.id))
      .returning({ id: apiKeys.id, name: apiKeys.name, rotatedAt: apiKeys.rotatedAt });
    await recordAudit(tx, actor, {
      orgId: actor.orgId,
      action: 'api_key.rotate',
      resourceType: 'api_key',
      resourceId: row.id,
      metadata: { name: row.name, previousKeyPreview: current.keyPreview, keyPreview },
    });
    return { id: row.id, name: row.name, key, rotatedAt: row.rotatedAt as Date };
  });
}
