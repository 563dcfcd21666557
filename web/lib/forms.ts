// Minimal form plumbing: read a <form> into an object, validate it with the same zod schema the
// server uses, and surface per-field messages (client-side first, server VALIDATION_ERROR after).
import { useCallback, useState } from 'react';
import type { z } from 'zod';
import { fieldErrorsOf } from './errors.ts';

export type FieldErrors = Record<string, string | undefined>;

export function readForm(form: HTMLFormElement): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of new FormData(form).entries()) {
    if (typeof value === 'string') out[key] = value;
  }
  return out;
}

export function validateWith<S extends z.ZodType>(
  schema: S,
  values: unknown,
): { ok: true; data: z.output<S> } | { ok: false; errors: FieldErrors } {
  const result = schema.safeParse(values);
  if (result.success) return { ok: true, data: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const key = String(issue.path[0] ?? '');
    if (key && errors[key] === undefined) errors[key] = issue.message;
  }
  return { ok: false, errors };
}

/** Per-field error state with helpers for client validation and server responses. */
export function useFieldErrors() {
  const [errors, setErrors] = useState<FieldErrors>({});
  const clear = useCallback((name?: string) => {
    setErrors((prev) => {
      if (name === undefined) return {};
      if (prev[name] === undefined) return prev;
      const next = { ...prev };
      delete next[name];
      return next;
    });
  }, []);
  /** Shows server-side field errors; returns true when the error was a validation error with fields. */
  const fromServer = useCallback((error: unknown) => {
    const fields = fieldErrorsOf(error);
    if (Object.keys(fields).length === 0) return false;
    setErrors(fields);
    return true;
  }, []);
  return { errors, setErrors, clear, fromServer };
}

/** Only same-site relative paths are followed after login (no open redirects). */
export function safeRedirect(target: string | undefined, fallback = '/'): string {
  if (!target || !target.startsWith('/') || target.startsWith('//') || target.startsWith('/\\')) return fallback;
  return target;
}
