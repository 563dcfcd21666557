// Section 12 of rest-api.md: health check (server/rest/health.ts, server/domain/health/check-health.ts).
import { z } from 'zod';
import { errorBody, timestamp } from '../common-schemas.ts';
import type { RouteDoc } from '../route-doc.ts';

const healthReport = z
  .strictObject({
    status: z.enum(['healthy', 'degraded', 'unhealthy']),
    timestamp,
    services: z.strictObject({
      database: z.enum(['connected', 'disconnected']),
      storage: z.enum(['connected', 'unavailable']),
      auth: z.enum(['operational', 'unavailable']),
      mail: z.enum(['operational', 'unavailable']),
    }),
  })
  .meta({ id: 'HealthReport' });

export const healthRouteDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/health',
    operationId: 'getHealth',
    summary: 'API health',
    description: 'Pings the database, checks that DATA_DIR (or the bucket) is writable and that the mail transport answers.',
    tags: ['Health'],
    auth: 'public',
    responses: {
      200: { description: '`healthy`, or `degraded` when a service other than the database is down.', schema: healthReport },
      503: {
        description: '`unhealthy`: the database does not answer (or the Error body, when a middleware in front of the check needed the database).',
        schema: z.union([healthReport, errorBody]),
      },
    },
  },
];
