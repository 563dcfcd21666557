// Development-only routes (server/rest/dev.ts), not mounted when NODE_ENV=production.
import { z } from 'zod';
import { id, timestamp } from '../common-schemas.ts';
import type { RouteDoc } from '../route-doc.ts';

export const devRouteDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/dev/outbox',
    operationId: 'listDevOutbox',
    summary: 'Mails stored by the outbox mail adapter, newest first (development only)',
    tags: ['Development'],
    auth: 'public',
    responses: {
      200: {
        description: 'The stored mails.',
        schema: z.strictObject({
          messages: z.array(z.strictObject({ id, to: z.string(), subject: z.string(), text: z.string(), html: z.string(), created_at: timestamp })),
        }),
      },
    },
    mountedWhen: { description: 'NODE_ENV is not production', test: (config) => !config.isProduction },
  },
];
