// The audit log (server/rest/audit-logs.ts; README "Audit log and metrics").
import { z } from 'zod';
import { auditLogQuery } from '../../../domain/audit-log/audit-log-schemas.ts';
import { id, timestamp } from '../common-schemas.ts';
import type { RouteDoc } from '../route-doc.ts';

export const auditLogRouteDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/audit-logs',
    operationId: 'listAuditLogs',
    summary: 'Audit log of the organization, newest first',
    description: '`action` ending in `.` filters by prefix (e.g. `deployment.`). Secrets appear by key name only.',
    tags: ['Audit log'],
    auth: 'apiKeyOrSession',
    role: 'admin',
    request: { query: auditLogQuery },
    responses: {
      200: {
        description: 'One page; pass `next_cursor` as `cursor` for the next one (null on the last page).',
        schema: z.strictObject({
          audit_logs: z.array(
            z.strictObject({
              id,
              action: z.string(),
              resource_type: z.string(),
              resource_id: z.string().nullable(),
              actor: z.strictObject({ user_id: id.nullable(), email: z.string().nullable(), api_key_id: id.nullable() }),
              metadata: z.record(z.string(), z.unknown()),
              ip: z.string().nullable(),
              created_at: timestamp,
            }),
          ),
          next_cursor: z.string().nullable(),
        }),
      },
    },
   
  },
];
