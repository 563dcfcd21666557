// App secrets, as `pixell secrets` calls them (apkg-format.md §3). Every success is 200. Values are
// returned only by GET to owners and admins; members get 403 there and list names with
// `?names_only=true`. Any member may write. Errors never echo a value.
import { Router } from 'express';
import { z } from 'zod';
import { requireOrgActor, type Services } from '../domain/context.ts';
import { deleteAllAppSecrets } from '../domain/secrets/delete-all-app-secrets.ts';
import { deleteAppSecret } from '../domain/secrets/delete-app-secret.ts';
import { listAppSecrets } from '../domain/secrets/list-app-secrets.ts';
import { replaceAppSecrets } from '../domain/secrets/replace-app-secrets.ts';
import { listSecretsQuery, replaceSecretsBody, secretKey, setSecretBody } from '../domain/secrets/secret-schemas.ts';
import { setAppSecret } from '../domain/secrets/set-app-secret.ts';
import { domainCtx } from '../http/request-context.ts';
import { iso, parseInput } from './parse.ts';

const secretKeyParam = z.object({ key: secretKey });

export function secretRoutes(services: Services): Router {
  const r = Router();
  const base = '/agent-apps/:id/secrets';

  r.get(base, async (req, res) => {
    const ctx = domainCtx(services, req);
    requireOrgActor(ctx);
    const { names_only } = parseInput(listSecretsQuery, req.query);
    const list = await listAppSecrets(ctx, req.params.id, { values: names_only ? 'never' : 'required' });
    if (names_only) {
      res.json({ keys: list.secrets.map((s) => ({ key: s.key, created_at: iso(s.createdAt), updated_at: iso(s.updatedAt) })) });
      return;
    }
    res.setHeader('Cache-Control', 'no-store');
    res.json({ secrets: Object.fromEntries(list.secrets.map((s) => [s.key, s.value])) });
  });

  r.post(base, async (req, res) => {
    const ctx = domainCtx(services, req);
    requireOrgActor(ctx); // 401 before 400
    const { secrets } = parseInput(replaceSecretsBody, req.body);
    const { secretCount } = await replaceAppSecrets(ctx, req.params.id, secrets);
    res.json({ message: 'Secrets saved successfully', secretCount });
  });

  r.put(`${base}/:key`, async (req, res) => {
    const ctx = domainCtx(services, req);
    requireOrgActor(ctx);
    const { key } = parseInput(secretKeyParam, { key: req.params.key });
    const { value } = parseInput(setSecretBody, req.body);
    const result = await setAppSecret(ctx, req.params.id, key, value);
    res.json({ message: result.created ? 'Secret created successfully' : 'Secret updated successfully', key: result.key });
  });

  r.delete(`${base}/:key`, async (req, res) => {
    const ctx = domainCtx(services, req);
    // A key that is not a valid name cannot exist: 404 like any unknown key.
    await deleteAppSecret(ctx, req.params.id, req.params.key);
    res.json({ message: 'Secret deleted successfully' });
  });

  r.delete(base, async (req, res) => {
    const { deletedCount } = await deleteAllAppSecrets(domainCtx(services, req), req.params.id);
    res.json({ message: deletedCount === 1 ? 'Deleted 1 secret' : `Deleted ${deletedCount} secrets` });
  });

  return r;
}
