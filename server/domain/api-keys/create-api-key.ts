// Creates an API key for the actor's organization (any member). The secret is returned once.
import { apiKeys } from '../../../db/schema/index.ts';
import { recordAudit } from '../audit.ts';
import { requireOrgActor, type DomainCtx } from '../context.ts';
import type { CreateApiKeyInput } from './api-key-schemas.ts';
import { generateApiKey } from './generate-api-key.ts';

export async function createApiKey(ctx: DomainCtx, input: CreateApiKeyInput) {
  const actor = requireOrgActor(ctx);
  const { key, keyHash, keyPreview } = generateApiKey();
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(apiKeys)
      .values({ orgId: actor.orgId, name: input.name, keyHash, keyPreview, createdBy: actor.userId, createdAt: ctx.now() })
      .returning({ id: apiKeys.id, name: apiKeys.name, createdAt: apiKeys.createdAt });
    await recordAudit(tx, actor, {
      orgId: actor.orgId,
      action: 'api_key.create',
      resourceType: 'api_key',
      resourceId: row.id,
      metadata: { name: input.name, keyPreview },
    });
    return { ...row, key };
  });
}
