// Section 3 of rest-api.md: API keys (server/rest/api-keys.ts).
import { z } from 'zod';
import { createApiKeyInput } from '../../../domain/api-keys/api-key-schemas.ts';
import { id, messageBody, nullableTimestamp, timestamp, userRef } from '../common-schemas.ts';
import type { RouteDoc } from '../route-doc.ts';

const tags = ['API keys'];
const secretKey = z.string().describe('The secret (`pac_` + 40 base62 characters), returned only here.');

export const apiKeyRouteDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/api-keys',
    operationId: 'listApiKeys',
    summary: 'API keys of the organization (never their secrets)',
    tags,
    auth: 'apiKeyOrSession',
    role: 'member',
    responses: {
      200: {
        description: 'The keys, newest first.',
        schema: z.strictObject({
          apiKeys: z.array(
            z.strictObject({
              id,
              name: z.string(),
              key_preview: z.string().describe('`pac_` + 8 characters + `…`'),
              last_used_at: nullableTimestamp.describe('Written at most once a minute per key.'),
              created_at: timestamp,
              created_by: userRef.nullable(),
            }),
          ),
        }),
      },
    },
  },
  {
    method: 'post',
    path: '/api/api-keys',
    operationId: 'createApiKey',
    summary: 'Create an API key',
    description: 'The key acts with the current role of the member who created it.',
    tags,
    auth: 'apiKeyOrSession',
    role: 'member',
    request: { body: createApiKeyInput },
    responses: {
      201: {
        description: 'The new key, with its secret (shown once).',
        schema: z.strictObject({ apiKey: z.strictObject({ id, name: z.string(), key: secretKey, created_at: timestamp }) }),
      },
    },
   
  },
  {
    method: 'delete',
    path: '/api/api-keys/:id',
    operationId: 'deleteApiKey',
    summary: 'Delete an API key',
    description: 'Members delete the keys they created; owners and admins any key.',
    tags,
    auth: 'apiKeyOrSession',
    role: 'member',
    responses: { 200: { description: 'Deleted.', schema: messageBody } },
    errors: { 404: 'No such key in the organization.' },
  },
  {
    method: 'post',
    path: '/api/api-keys/:id/rotate',
    operationId: 'rotateApiKey',
    summary: 'Replace the secret of an API key',
    description: 'Keeps the id and name; the old secret stops working at once.',
    tags,
    auth: 'apiKeyOrSession',
    role: 'member',
    responses: {
      200: {
        description: 'The new secret (shown once).',
        schema: z.strictObject({ apiKey: z.strictObject({ id, name: z.string(), key: secretKey, rotated_at: timestamp }) }),
      },
    },
    errors: { 404: 'No such key in the organization.' },
  },
];
