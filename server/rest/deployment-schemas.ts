// Query and body schemas of the deployment routes (server/rest/deployments.ts), shared with their
// OpenAPI section so that the document describes exactly what the routes parse.
import { z } from 'zod';

export const listDeploymentsQuery = z.object({
  app_id: z.string().optional().describe('Only this agent app.'),
  status: z.enum(['queued', 'processing', 'completed', 'failed', 'cancelled']).optional().describe('`failed` includes cancelled deployments.'),
  limit: z.coerce.number().int().min(1).max(100).optional().default(20),
  before: z.iso.datetime({ offset: true }).optional().describe('`next_before` of the previous page.'),
});

export const deploymentLogsQuery = z.object({ after: z.coerce.number().int().min(0).optional().default(0).describe('Only events with a greater `seq`.') });

export const rollbackBody = z
  .object({ package_id: z.string().optional(), version: z.string().optional() })
  .refine((v) => v.package_id || v.version, 'Send package_id or version');
