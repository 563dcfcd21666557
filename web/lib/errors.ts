// Reading the errors the server sends through tRPC: `error.data.appCode` (the domain error code),
// `error.data.details` ([{path, message}] for VALIDATION_ERROR) and a human-readable message.
import { TRPCClientError } from '@trpc/client';

export type ErrorDetail = { path: string; message: string };

type ErrorData = {
  appCode?: string | null;
  httpStatus?: number;
  details?: unknown;
  requestId?: string | null;
};

function dataOf(error: unknown): ErrorData | undefined {
  if (error instanceof TRPCClientError) return (error.data ?? undefined) as ErrorData | undefined;
  return undefined;
}

/** The domain error code (EMAIL_NOT_VERIFIED, CONFLICT, ...) or null. */
export function appCodeOf(error: unknown): string | null {
  return dataOf(error)?.appCode ?? null;
}

export function httpStatusOf(error: unknown): number | undefined {
  return dataOf(error)?.httpStatus;
}

/** A message fit to show to a person. */
export function errorMessage(error: unknown, fallback = 'Something went wrong. Please try again.'): string {
  if (error instanceof TRPCClientError) {
    // A network failure surfaces as a TypeError wrapped by tRPC.
    if (error.cause instanceof TypeError || /failed to fetch|networkerror/i.test(error.message)) {
      return 'Cannot reach the server. Check your connection and try again.';
    }
    // Errors answered before tRPC (rate limit, CSRF check) carry the REST body {error, code}.
    const restBody = (error.meta as { responseJSON?: unknown } | undefined)?.responseJSON;
    if (!error.data && restBody && typeof restBody === 'object' && 'error' in restBody && typeof restBody.error === 'string') {
      return restBody.error;
    }
    if (appCodeOf(error) === 'VALIDATION_ERROR') {
      const first = validationDetailsOf(error)[0];
      if (first) return first.path ? `${first.path}: ${first.message}` : first.message;
    }
    return error.message || fallback;
  }
  if (error instanceof Error && error.message) return error.message;
  return fallback;
}

export function validationDetailsOf(error: unknown): ErrorDetail[] {
  const details = dataOf(error)?.details;
  if (!Array.isArray(details)) return [];
  return details.filter(
    (d): d is ErrorDetail => typeof d === 'object' && d !== null && typeof d.message === 'string' && typeof d.path === 'string',
  );
}

/** Field errors keyed by the first segment of the path, for VALIDATION_ERROR responses. */
export function fieldErrorsOf(error: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (appCodeOf(error) !== 'VALIDATION_ERROR') return out;
  for (const d of validationDetailsOf(error)) {
    const key = d.path.split('.')[0] ?? '';
    if (key && !(key in out)) out[key] = d.message;
  }
  return out;
}

export function isUnauthorized(error: unknown): boolean {
  return httpStatusOf(error) === 401;
}
