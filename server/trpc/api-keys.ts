// tRPC adapters of the API key area: the same domain functions as rest/api-keys.ts.
import { apiKeyIdInput, createApiKeyInput } from '../domain/api-keys/api-key-schemas.ts';
import { createApiKey } from '../domain/api-keys/create-api-key.ts';
import { deleteApiKey } from '../domain/api-keys/delete-api-key.ts';
import { listApiKeys } from '../domain/api-keys/list-api-keys.ts';
import { rotateApiKey } from '../domain/api-keys/rotate-api-key.ts';
import { orgProcedure, router } from './init.ts';

export const apiKeysRouter = router({
  list: orgProcedure.query(async ({ ctx }) => {
    const keys = await listApiKeys(ctx.domain);
    return keys.map((k) => ({
      id: k.id,
      name: k.name,
      keyPreview: k.keyPreview,
      lastUsedAt: k.lastUsedAt,
      createdAt: k.createdAt,
      createdBy: k.createdBy,
    }));
  }),

  create: orgProcedure.input(createApiKeyInput).mutation(async ({ ctx, input }) => {
    const k = await createApiKey(ctx.domain, input);
    return { apiKey: { id: k.id, name: k.name, key: k.key, createdAt: k.createdAt } };
  }),

  rotate: orgProcedure.input(apiKeyIdInput).mutation(async ({ ctx, input }) => {
    const apiKey = await rotateApiKey(ctx.domain, input.id);
    return { apiKey };
  }),

  delete: orgProcedure.input(apiKeyIdInput).mutation(async ({ ctx, input }) => {
    await deleteApiKey(ctx.domain, input.id);
    return { id: input.id };
  }),
});
