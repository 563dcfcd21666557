import { auditLogQuery } from '../domain/audit-log/audit-log-schemas.ts';
import { listAuditLogs } from '../domain/audit-log/list-audit-logs.ts';
import { orgProcedure, router } from './init.ts';

export const auditLogsRouter = router({
  list: orgProcedure.input(auditLogQuery).query(({ ctx, input }) => listAuditLogs(ctx.domain, input)),
});
