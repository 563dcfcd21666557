// Renders every error as {error, code, details?} with the status from domain/errors.ts. Unknown
// errors are 500 with the request id, never a stack trace.
import type { NextFunction, Request, Response } from 'express';
import { ZodError } from 'zod';
import { AppError, validationDetails } from '../domain/errors.ts';

export function sendError(res: Response, err: AppError): void {
  if (err.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(Math.max(1, Math.ceil(err.retryAfterSeconds))));
  const body: Record<string, unknown> = { error: err.message, code: err.code };
  if (err.details !== undefined) body.details = err.details;
  if (err.extra) Object.assign(body, err.extra);
  res.status(err.status).json(body);
}

/** Maps anything thrown to an AppError (the one place where foreign errors are classified). */
export function toAppError(err: unknown, requestId: string): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof ZodError) {
    return new AppError('VALIDATION_ERROR', 'Invalid request', { details: validationDetails(err.issues) });
  }
  const e = err as { type?: string; status?: number; statusCode?: number };
  if (e?.type === 'entity.parse.failed') return new AppError('INVALID_JSON', 'Request body is not valid JSON');
  if (e?.type === 'entity.too.large') return new AppError('PAYLOAD_TOO_LARGE', 'Request body is too large');
  if (e?.type === 'charset.unsupported' || e?.type === 'encoding.unsupported') {
    return new AppError('UNSUPPORTED_MEDIA_TYPE', 'Unsupported request encoding');
  }
  // Other refusals of the body parsers (a body that does not decompress, a cut-off body) and of the
  // router (a malformed percent-encoding in the path): the client's bytes, not a server fault.
  const status = e?.status ?? e?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500 && ((err as { expose?: boolean }).expose === true || err instanceof URIError)) {
    return new AppError('VALIDATION_ERROR', 'Malformed request: the URL or the body could not be decoded');
  }
  if (isUnstorableText(err)) {
    return new AppError('VALIDATION_ERROR', 'Invalid request: text must not contain NUL characters or unpaired surrogates');
  }
  if (isDatabaseUnavailable(err)) {
    return new AppError('SERVICE_UNAVAILABLE', 'The database is unavailable, try again shortly', { details: { requestId } });
  }
  return new AppError('INTERNAL_ERROR', 'Internal server error', { details: { requestId } });
}

/**
 * PostgreSQL refusing a value the client sent as text: NUL characters (22021 in text, 22P05 in
 * jsonb) and unpaired UTF-16 surrogates in jsonb (22P02). Whatever field they came in, they are
 * invalid input (400), not a server fault; the statement failed, so nothing was written.
 */
function isUnstorableText(err: unknown): boolean {
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const pg = typeof e?.cause?.code === 'string' ? e.cause : e;
  if (pg?.code === '22021' || pg?.code === '22P05') return true;
  return pg?.code === '22P02' && /type json|surrogate|unicode/i.test(pg.message ?? '');
}

function isDatabaseUnavailable(err: unknown): boolean {
  const code = (err as { code?: string; cause?: { code?: string } })?.code ?? (err as { cause?: { code?: string } })?.cause?.code;
  return ['ECONNREFUSED', 'ECONNRESET', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECT_TIMEOUT', '57P01', '57P03'].includes(code ?? '');
}

export function errorHandler() {
  return (err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    const appError = toAppError(err, req.id);
    if (appError.status >= 500) req.log.error({ err }, 'request failed');
    sendError(res, appError);
  };
}

export function apiNotFound() {
  return (req: Request, res: Response) => {
    sendError(res, new AppError('NOT_FOUND', `No route for ${req.method} ${req.originalUrl.split('?')[0]}`));
  };
}
