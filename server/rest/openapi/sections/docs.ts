// The API's own description: the OpenAPI document and the interactive reference
// (server/rest/openapi/openapi-routes.ts).
import { z } from 'zod';
import type { RouteDoc } from '../route-doc.ts';

const tags = ['API reference'];

export const docsRouteDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/openapi.json',
    operationId: 'getOpenApiDocument',
    summary: 'This document (OpenAPI 3.1)',
    tags,
    auth: 'public',
    responses: {
      200: {
        description: 'The OpenAPI 3.1 document, generated from the zod schemas the routes validate with.',
        schema: z.looseObject({
          openapi: z.string().startsWith('3.1.'),
          info: z.looseObject({ title: z.string(), version: z.string() }),
          paths: z.record(z.string(), z.unknown()),
        }),
      },
    },
  },
  {
    method: 'get',
    path: '/api/docs',
    operationId: 'getApiReference',
    summary: 'Interactive API reference (HTML)',
    description:
      'Served from this server only (no CDN): the Scalar reference when `@scalar/api-reference` is installed, otherwise (or with `?ui=basic`) a self-contained HTML rendering of this document.',
    tags,
    auth: 'public',
    request: { query: z.object({ ui: z.enum(['basic']).optional().describe('`basic`: the plain HTML rendering.') }) },
    responses: { 200: { description: 'The reference page.', contentType: 'text/html', format: 'text' } },
  },
];
