// Structured logs. Credentials are redacted wherever they may appear in a logged object.
import { DrizzleQueryError } from 'drizzle-orm/errors';
import pino, { type Logger } from 'pino';

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
  '*.password',
  '*.newPassword',
  '*.token',
  '*.key',
  '*.secret',
  '*.accessToken',
  '*.refreshToken',
  '*.access_token',
  '*.refresh_token',
];

/**
 * Errors as pino serialises them, except that a failed query keeps its SQL but loses its bound
 * parameters (drizzle puts them into the message, the stack and `params`): they are user data —
 * emails, token hashes, ciphertexts — that a log line must not carry.
 */
export function serializeError(err: unknown): unknown {
  if (!(err instanceof DrizzleQueryError)) return pino.stdSerializers.err(err as Error);
  const safeMessage = `Failed query: ${err.query}`;
  const out = pino.stdSerializers.err(err) as unknown as Record<string, unknown>;
  delete out.params;
  out.message = safeMessage;
  out.stack = typeof err.stack === 'string' ? err.stack.replace(err.message, safeMessage) : undefined;
  // The database's own error: what and where, not PostgreSQL's `detail` (it quotes key values).
  const cause = err.cause as (Error & Record<string, unknown>) | undefined;
  if (cause instanceof Error) {
    out.cause = { type: cause.name, message: cause.message, code: cause.code, constraint: cause.constraint_name, table: cause.table_name };
  }
  return out;
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'pixell-agent-cloud' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: serializeError },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
