// Inputs of the usage area (REST section 7 and the usage page). Pure zod: the SPA imports this too.
import { z } from 'zod';

const DAY_MS = 24 * 60 * 60 * 1000;
export const MAX_EXPORT_DAYS = 366;

/** GET /api/usage/chart?days=N */
export const usageChartQuery = z.object({
  days: z.coerce.number().int('must be a whole number').min(1).max(365).optional().default(30),
});

/** GET /api/usage/activity?limit=N */
export const usageActivityQuery = z.object({
  limit: z.coerce.number().int('must be a whole number').min(1).max(100).optional().default(20),
});

/** Per-app breakdown of the usage page. */
export const usageBreakdownInput = z.object({
  days: z.coerce.number().int('must be a whole number').min(1).max(365).optional().default(30),
});

/** POST /api/usage/export: whole UTC days, start ≤ end, at most 366 days. */
export const usageExportInput = z
  .object({
    format: z.enum(['csv', 'json']),
    startDate: z.iso.date({ message: 'must be a date YYYY-MM-DD' }),
    endDate: z.iso.date({ message: 'must be a date YYYY-MM-DD' }),
  })
  .superRefine((v, ctx) => {
    const days = (Date.parse(`${v.endDate}T00:00:00Z`) - Date.parse(`${v.startDate}T00:00:00Z`)) / DAY_MS + 1;
    if (days < 1) ctx.addIssue({ code: 'custom', path: ['endDate'], message: 'endDate must not be before startDate' });
    else if (days > MAX_EXPORT_DAYS) ctx.addIssue({ code: 'custom', path: ['endDate'], message: `The range is at most ${MAX_EXPORT_DAYS} days` });
  });
export type UsageExportInput = z.infer<typeof usageExportInput>;

/** POST /api/usage/events: an agent invocation reported by the runtime (idempotent on event_id). */
export const usageEventInput = z.object({
  agent_app_id: z.uuid({ message: 'must be a UUID' }),
  type: z.literal('invocation'),
  count: z.number().int('must be a whole number').min(1).max(1_000_000).optional().default(1),
  credits: z.number().int('must be a whole number').min(0).max(1_000_000).optional().default(0),
  occurred_at: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' }).optional(),
  event_id: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
    .optional(),
});
export type UsageEventInput = z.infer<typeof usageEventInput>;
