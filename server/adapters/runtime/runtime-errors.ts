// Errors shared by the runtime adapters. Messages are fit for users (they become deployment.error).

/** Thrown when the deploy's AbortSignal fires (cancel, shutdown, lease loss). `name` is 'AbortError'. */
export class RuntimeAbortedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AbortError';
  }
}

/** The user-facing error for an aborted deploy, naming the reason when the caller gave one. */
export function runtimeAborted(signal: AbortSignal, what: string): RuntimeAbortedError {
  const reason: unknown = signal.reason;
  let detail = '';
  if (typeof reason === 'string' && reason.trim() !== '') detail = `: ${reason}`;
  else if (reason instanceof Error && reason.name !== 'AbortError' && reason.message) detail = `: ${reason.message}`;
  return new RuntimeAbortedError(`${what} was aborted${detail}`, { cause: reason });
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
