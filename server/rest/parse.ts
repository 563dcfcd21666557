// Request parsing for REST handlers: zod schemas, failures as 400 VALIDATION_ERROR.
import type { z } from 'zod';
import { AppError, validationDetails } from '../domain/errors.ts';

export function parseInput<S extends z.ZodType>(schema: S, data: unknown): z.infer<S> {
  const result = schema.safeParse(data ?? {});
  if (!result.success) {
    throw new AppError('VALIDATION_ERROR', 'Invalid request', { details: validationDetails(result.error.issues) });
  }
  return result.data;
}

/** ISO-8601 string for a Date (null stays null). */
export const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);
