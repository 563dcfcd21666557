// The organization's audit log, newest first, with filters and keyset pagination. Owners and admins.
import { and, desc, eq, gte, lt, or, sql, type SQL } from 'drizzle-orm';
import { auditLogs, users } from '../../../db/schema/index.ts';
import { requireRole, type DomainCtx } from '../context.ts';
import type { AuditLogQuery } from './audit-log-schemas.ts';

export async function listAuditLogs(ctx: DomainCtx, q: AuditLogQuery) {
  const actor = requireRole(ctx, 'admin');
  const where: SQL[] = [eq(auditLogs.orgId, actor.orgId)];
  if (q.action) where.push(q.action.endsWith('.') ? sql`${auditLogs.action} like ${q.action + '%'}` : eq(auditLogs.action, q.action));
  if (q.resource_type) where.push(eq(auditLogs.resourceType, q.resource_type));
  if (q.resource_id) where.push(eq(auditLogs.resourceId, q.resource_id));
  if (q.actor_user_id) where.push(eq(auditLogs.actorUserId, q.actor_user_id));
  if (q.actor_api_key_id) where.push(eq(auditLogs.actorApiKeyId, q.actor_api_key_id));
  if (q.from) where.push(gte(auditLogs.createdAt, new Date(q.from)));
  if (q.to) where.push(lt(auditLogs.createdAt, new Date(q.to)));
  if (q.cursor) {
    const [at, id] = q.cursor;
    where.push(or(lt(auditLogs.createdAt, at), and(eq(auditLogs.createdAt, at), lt(auditLogs.id, id)))!);
  }
  const rows = await ctx.db
    .select({ log: auditLogs, actorEmail: users.email })
    .from(auditLogs)
    .leftJoin(users, eq(users.id, auditLogs.actorUserId))
    .where(and(...where))
    .orderBy(desc(auditLogs.createdAt), desc(auditLogs.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    entries: page.map((r) => ({ ...r.log, actorEmail: r.actorEmail })),
    nextCursor: rows.length > q.limit && last ? encodeCursor(last.log.createdAt, last.log.id) : null,
  };
}

export function encodeCursor(at: Date, id: string): string {
  return Buffer.from(`${at.toISOString()}|${id}`).toString('base64url');
}
