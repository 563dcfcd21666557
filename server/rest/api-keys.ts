// Section 3 of the REST doc: API keys. Thin adapters: parse -> actor -> domain function -> shape.
import { Router } from 'express';
import { createApiKeyInput } from '../domain/api-keys/api-key-schemas.ts';
import { createApiKey } from '../domain/api-keys/create-api-key.ts';
import { deleteApiKey } from '../domain/api-keys/delete-api-key.ts';
import { listApiKeys } from '../domain/api-keys/list-api-keys.ts';
import { rotateApiKey } from '../domain/api-keys/rotate-api-key.ts';
import { requireOrgActor, type Services } from '../domain/context.ts';
import { domainCtx } from '../http/request-context.ts';
import { iso, parseInput } from './parse.ts';

export function apiKeyRoutes(services: Services): Router {
  const r = Router();

  r.get('/api-keys', async (req, res) => {
    const keys = await listApiKeys(domainCtx(services, req));
    res.json({
      apiKeys: keys.map((k) => ({
        id: k.id,
        name: k.name,
        key_preview: k.keyPreview,
        last_used_at: iso(k.lastUsedAt),
        created_at: iso(k.createdAt),
        created_by: k.createdBy,
      })),
    });
  });

  r.post('/api-keys', async (req, res) => {
    const ctx = domainCtx(services, req);
    requireOrgActor(ctx); // 401 before 400
    const input = parseInput(createApiKeyInput, req.body);
    const k = await createApiKey(ctx, input);
    res.status(201).json({ apiKey: { id: k.id, name: k.name, key: k.key, created_at: iso(k.createdAt) } });
  });

  r.delete('/api-keys/:id', async (req, res) => {
    await deleteApiKey(domainCtx(services, req), req.params.id);
    res.json({ message: 'API key deleted successfully' });
  });

  r.post('/api-keys/:id/rotate', async (req, res) => {
    const k = await rotateApiKey(domainCtx(services, req), req.params.id);
    res.json({ apiKey: { id: k.id, name: k.name, key: k.key, rotated_at: iso(k.rotatedAt) } });
  });

  return r;
}
