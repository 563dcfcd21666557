// Section 4 of rest-api.md: agent apps (server/rest/agent-apps.ts).
import { z } from 'zod';
import { createAppInput, updateAppInput } from '../../../domain/apps/app-schemas.ts';
import { id, messageBody, timestamp } from '../common-schemas.ts';
import type { RouteDoc } from '../route-doc.ts';
import { packageSchema } from './packages.ts';

const tags = ['Agent apps'];

export const agentAppRouteDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/agent-apps',
    operationId: 'listAgentApps',
    summary: 'Agent apps of the organization',
    tags,
    auth: 'apiKeyOrSession',
    role: 'member',
    responses: {
      200: {
        description: 'The apps with their packages.',
        schema: z.strictObject({
          apps: z.array(
            z.strictObject({
              id,
              name: z.string(),
              description: z.string(),
              is_public: z.boolean(),
              active_version: z.string().nullable().describe('The live version (null before the first completed deployment).'),
              created_at: timestamp,
              updated_at: timestamp,
              packages: z.array(z.strictObject({ id, version: z.string(), created_at: timestamp })),
            }),
          ),
        }),
      },
    },
  },
  {
    method: 'post',
    path: '/api/agent-apps',
    operationId: 'createAgentApp',
    summary: 'Create an agent app',
    description: 'Names are unique per organization.',
    tags,
    auth: 'apiKeyOrSession',
    role: 'member',
    request: { body: createAppInput },
    responses: {
      201: {
        description: 'Created.',
        schema: z.strictObject({
          app: z.strictObject({ id, name: z.string(), description: z.string(), is_public: z.boolean(), created_at: timestamp }),
        }),
      },
    },
    errors: { 409: 'An app with this name exists.' },
  },
  {
    method: 'get',
    path: '/api/agent-apps/:id',
    operationId: 'getAgentApp',
    summary: 'An agent app with its packages',
    tags,
    auth: 'apiKeyOrSession',
    role: 'member',
    responses: {
      200: {
        description: 'The app.',
        schema: z.strictObject({
          app: z.strictObject({
            id,
            name: z.string(),
            description: z.string(),
            is_public: z.boolean(),
            active_version: z.string().nullable(),
            active_package_id: id.nullable(),
            trusted_public_keys: z.array(z.string()),
            created_at: timestamp,
            updated_at: timestamp,
            packages: z.array(packageSchema),
          }),
        }),
      },
    },
    errors: { 404: 'No such app in the organization.' },
  },
  {
    method: 'patch',
    path: '/api/agent-apps/:id',
    operationId: 'updateAgentApp',
    summary: 'Update an agent app',
    description: '`trusted_public_keys`: armoured OpenPGP public keys; when an app has any, every deploy must be signed by one of them.',
    tags,
    auth: 'apiKeyOrSession',
    role: 'member',
    request: { body: updateAppInput },
    responses: {
      200: {
        description: 'The updated app.',
        schema: z.strictObject({
          app: z.strictObject({
            id,
            name: z.string(),
            description: z.string(),
            is_public: z.boolean(),
            trusted_public_keys: z.array(z.string()),
            updated_at: timestamp,
          }),
        }),
      },
    },
    errors: { 404: 'No such app in the organization.', 409: 'An app with this name exists.' },
  },
  {
    method: 'delete',
    path: '/api/agent-apps/:id',
    operationId: 'deleteAgentApp',
    summary: 'Delete an agent app with its packages, deployments, webhooks and stored objects',
    tags,
    auth: 'apiKeyOrSession',
    role: 'admin',
    responses: { 200: { description: 'Deleted.', schema: messageBody } },
    errors: { 404: 'No such app in the organization.', 409: 'A deployment is queued or processing.' },
  },
];
