// Inputs of the credits & billing area (REST section 6 and the billing page). Pure zod: the SPA
// imports this file too.
import { z } from 'zod';

export const CREDIT_TRANSACTION_TYPE_VALUES = ['grant', 'purchase', 'reservation', 'usage', 'refund', 'adjustment'] as const;

/** POST /api/credits/topup: a package id, or `custom` (or no package) with a number of credits. */
export const topupInput = z
  .object({
    package: z.string().trim().min(1).max(32).optional(),
    credits: z.number().int('must be a whole number').positive('must be positive').max(10_000_000).optional(),
  })
  .refine((v) => v.package !== undefined || v.credits !== undefined, { message: 'Choose a package or a number of credits', path: ['package'] });
export type TopupInput = z.infer<typeof topupInput>;

const TIMESTAMP_TEXT = /^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d{1,6})?(Z|[+-]\d\d(:?\d\d)?)?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Opaque keyset cursor: base64url of `<timestamp with microseconds>|<uuid>`. */
export const keysetCursor = z
  .string()
  .max(200)
  .transform((c, ctx) => {
    const [at, id, extra] = Buffer.from(c, 'base64url').toString('utf8').split('|');
    if (extra !== undefined || !id || !UUID.test(id) || !at || !TIMESTAMP_TEXT.test(at)) {
      ctx.addIssue({ code: 'custom', message: 'Invalid cursor' });
      return z.NEVER;
    }
    return { at, id };
  });

/** GET /api/credits/history: newest first; `type` is one type or a comma-separated list. */
export const creditHistoryQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).optional().default(20),
  cursor: keysetCursor.optional(),
  type: z
    .string()
    .max(200)
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return undefined;
      const types = [...new Set(v.split(',').map((s) => s.trim()))];
      for (const t of types) {
        if (!(CREDIT_TRANSACTION_TYPE_VALUES as readonly string[]).includes(t)) {
          ctx.addIssue({ code: 'custom', message: `Unknown type "${t.slice(0, 40)}"; use ${CREDIT_TRANSACTION_TYPE_VALUES.join(', ')}` });
          return z.NEVER;
        }
      }
      return types as (typeof CREDIT_TRANSACTION_TYPE_VALUES)[number][];
    }),
});
export type CreditHistoryQuery = z.infer<typeof creditHistoryQuery>;

/** A Checkout Session id (`cs_…`, Stripe's or the local checkout's). */
export const checkoutSessionIdInput = z.object({
  id: z.string().regex(/^cs_[A-Za-z0-9_]{1,250}$/, 'must be a Checkout Session id'),
});
