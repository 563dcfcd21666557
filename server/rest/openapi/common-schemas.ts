// Response building blocks shared by the sections of the registry. Objects are strict: a response
// field the registry does not name fails the response validation of the test harness, so every
// field the API returns is documented. `.meta({ id })` makes a schema a named component of the
// OpenAPI document (components.schemas.<id>).
import { z } from 'zod';
import { ERROR_STATUS } from '../../domain/errors.ts';

/** An ISO 8601 date-time as the API writes them (`Date#toISOString()`). */
export const timestamp = z.iso.datetime({ offset: true });
export const nullableTimestamp = timestamp.nullable();
/** Database ids (UUIDs). */
export const id = z.guid();
export const count = z.number().int().min(0);

export const ROLE_VALUES = ['owner', 'admin', 'member'] as const;
export const role = z.enum(ROLE_VALUES);

export const ERROR_CODES = Object.keys(ERROR_STATUS) as [keyof typeof ERROR_STATUS, ...(keyof typeof ERROR_STATUS)[]];

const validationIssue = z.strictObject({ path: z.string(), message: z.string() });

export const errorBody = z
  .strictObject({
    error: z.string().describe('Human-readable message.'),
    code: z.enum(ERROR_CODES).describe('Stable machine-readable code; the HTTP status follows from it.'),
    details: z
      .union([
        z.array(validationIssue).describe('VALIDATION_ERROR: one entry per invalid field.'),
        z.array(z.string()).describe('PACKAGE_VALIDATION_FAILED and multipart errors: one readable message per problem.'),
        z.record(z.string(), z.unknown()).describe('Other context, e.g. `requestId` on 5xx answers or `max_bytes` on 413.'),
      ])
      .optional(),
  })
  .meta({ id: 'Error', description: 'Every error answer of the API: `{error, code, details?}`.' });

export const insufficientCreditsBody = z
  .strictObject({
    error: z.string(),
    code: z.literal('INSUFFICIENT_CREDITS'),
    required: count.describe('Credits the operation needs.'),
    available: z.number().int().describe('Credits the organization has.'),
  })
  .meta({ id: 'InsufficientCreditsError', description: '402: the organization has fewer credits than the operation costs.' });

export const messageBody = z.strictObject({ message: z.string() }).meta({ id: 'Message' });

export const userRef = z.strictObject({ id, email: z.string() }).meta({ id: 'UserRef' });

/** The login body (login, refresh, accepting an invitation with a new account). */
export const sessionBody = z
  .strictObject({
    user: z.strictObject({ id, email: z.string(), created_at: timestamp }),
    session: z.strictObject({
      access_token: z.string().describe('Send as `Authorization: Bearer …` (or rely on the `pixell_session` cookie set with this answer).'),
      refresh_token: z.string().describe('Single use: `POST /api/auth/refresh` exchanges it for a new session.'),
      expires_in: count.describe('Lifetime of the access session in seconds.'),
    }),
  })
  .meta({ id: 'LoginSession' });

export const organizationSummary = z.strictObject({ id, name: z.string(), credits: z.number().int() }).meta({ id: 'OrganizationSummary' });

export const setCookieHeader = { 'Set-Cookie': { description: 'The `pixell_session` cookie (HttpOnly, SameSite=Lax, Path=/; Secure in production).' } };
