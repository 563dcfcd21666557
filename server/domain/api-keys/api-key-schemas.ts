// Input schemas of the API key area, shared by REST, tRPC and the web app (pure zod).
import { z } from 'zod';

export const createApiKeyInput = z.object({
  name: z.string().trim().min(1, 'Name is required').max(100, 'Name must be at most 100 characters'),
});
export type CreateApiKeyInput = z.infer<typeof createApiKeyInput>;

/** Ids are checked by the domain (a malformed id is 404 like an unknown one). */
export const apiKeyIdInput = z.object({ id: z.string().max(100) });
