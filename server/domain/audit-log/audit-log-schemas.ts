import { z } from 'zod';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Filters of GET /api/audit-logs (query string) and the audit log page. */
export const auditLogQuery = z.object({
  action: z.string().max(100).optional(),
  resource_type: z.string().max(100).optional(),
  resource_id: z.string().max(200).optional(),
  actor_user_id: z.string().regex(UUID, 'must be a UUID').optional(),
  actor_api_key_id: z.string().regex(UUID, 'must be a UUID').optional(),
  from: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  to: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional().default(50),
  cursor: z
    .string()
    .max(200)
    .optional()
    .transform((c, ctx) => {
      if (!c) return undefined;
      const [at, id] = Buffer.from(c, 'base64url').toString('utf8').split('|');
      const date = new Date(at ?? '');
      if (!id || !UUID.test(id) || Number.isNaN(date.getTime())) {
        ctx.addIssue({ code: 'custom', message: 'Invalid cursor' });
        return z.NEVER;
      }
      return [date, id] as const;
    }),
});

export type AuditLogQuery = z.infer<typeof auditLogQuery>;
