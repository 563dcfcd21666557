// App secrets as `pixell secrets` calls them (server/rest/secrets.ts; README "App secrets").
import { z } from 'zod';
import { listSecretsQuery, replaceSecretsBody, secretKey, setSecretBody } from '../../../domain/secrets/secret-schemas.ts';
import { count, messageBody, timestamp } from '../common-schemas.ts';
import type { RouteDoc } from '../route-doc.ts';

const tags = ['Secrets'];
const noApp = 'No such app in the organization.';

export const secretRouteDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/agent-apps/:id/secrets',
    operationId: 'listSecrets',
    summary: 'Secrets of an agent app (values: owners and admins; names: every member)',
    description: 'Without `names_only` members get 403 (never masked values a client could push back). Values are answered with `Cache-Control: no-store`.',
    tags,
    auth: 'apiKeyOrSession',
    role: 'member',
    request: { query: listSecretsQuery },
    responses: {
      200: {
        description: '`{secrets: {KEY: VALUE}}`, or `{keys: [...]}` with `names_only=true`.',
        schema: z.union([
          z.strictObject({ secrets: z.record(z.string(), z.string()) }),
          z.strictObject({ keys: z.array(z.strictObject({ key: z.string(), created_at: timestamp, updated_at: timestamp })) }),
        ]),
        headers: { 'Cache-Control': { description: '`no-store` on answers with values.' } },
      },
    },
    errors: { 404: noApp },
  },
  {
    method: 'post',
    path: '/api/agent-apps/:id/secrets',
    operationId: 'replaceSecrets',
    summary: 'Replace the whole set of secrets',
    description: 'Keys `^[A-Z0-9_]+$` (≤ 256 chars), values ≤ 64 KiB, ≤ 200 keys per app.',
    tags,
    auth: 'apiKeyOrSession',
    role: 'member',
    request: { body: replaceSecretsBody },
    responses: { 200: { description: 'Saved.', schema: z.strictObject({ message: z.string(), secretCount: count }) } },
    errors: { 404: noApp },
  },
  {
    method: 'put',
    path: '/api/agent-apps/:id/secrets/:key',
    operationId: 'setSecret',
    summary: 'Create or update one secret',
    tags,
    auth: 'apiKeyOrSession',
    role: 'member',
    request: { params: z.object({ id: z.string(), key: secretKey }), body: setSecretBody },
    responses: { 200: { description: 'Saved.', schema: z.strictObject({ message: z.string(), key: z.string() }) } },
    errors: { 400: 'Invalid key or value, or too many secrets.', 404: noApp },
  },
  {
    method: 'delete',
    path: '/api/agent-apps/:id/secrets/:key',
    operationId: 'deleteSecret',
    summary: 'Delete one secret',
    tags,
    auth: 'apiKeyOrSession',
    role: 'member',
    responses: { 200: { description: 'Deleted.', schema: messageBody } },
    errors: { 404: 'No such app or secret.' },
  },
  {
    method: 'delete',
    path: '/api/agent-apps/:id/secrets',
    operationId: 'deleteAllSecrets',
    summary: 'Delete every secret of the app',
    tags,
    auth: 'apiKeyOrSession',
    role: 'member',
    responses: { 200: { description: '`Deleted N secrets`.', schema: messageBody } },
    errors: { 404: noApp },
  },
];
