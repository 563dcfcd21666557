// GET /api/audit-logs: every mutating action of the organization (owners and admins).
import { Router } from 'express';
import { auditLogQuery } from '../domain/audit-log/audit-log-schemas.ts';
import { listAuditLogs } from '../domain/audit-log/list-audit-logs.ts';
import type { Services } from '../domain/context.ts';
import { domainCtx } from '../http/request-context.ts';
import { iso, parseInput } from './parse.ts';

export function auditLogRoutes(services: Services): Router {
  const r = Router();
  r.get('/audit-logs', async (req, res) => {
    const q = parseInput(auditLogQuery, req.query);
    const { entries, nextCursor } = await listAuditLogs(domainCtx(services, req), q);
    res.json({
      audit_logs: entries.map((e) => ({
        id: e.id,
        action: e.action,
        resource_type: e.resourceType,
        resource_id: e.resourceId,
        actor: { user_id: e.actorUserId, email: e.actorEmail, api_key_id: e.actorApiKeyId },
        metadata: e.metadata ?? {},
        ip: e.ip,
        created_at: iso(e.createdAt),
      })),
      next_cursor: nextCursor,
    });
  });
  return r;
}
