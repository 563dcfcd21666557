// Minimal form plumbing: read a <form> into an object, validate it with the same zod schema the
// server uses, and surface per-field messages (client-side first, server VALIDATION_ERROR after).
import { useCallback, useState } from 'react';
import type * as React from 'react';
import type { z } from 'zod';
import { errorMessage, fieldErrorsOf } from './errors.ts';

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

/**
 * The state of a form checked against a zod schema before it is sent: per-field messages (the
 * schema's, then the server's VALIDATION_ERROR fields) and one message for the whole form.
 *
 *   const form = useSchemaForm();
 *   const create = useMutation(trpc.x.create.mutationOptions({ onError: form.onError }));
 *   <form noValidate onSubmit={form.handleSubmit(createInput, create.mutate)}>
 *     <TextField label="Name" {...form.field('name')} />
 */
export function useSchemaForm() {
  const { errors, setErrors, clear, fromServer } = useFieldErrors();
  const [formError, setFormError] = useState<string | null>(null);

  /** Clears the messages and validates `values`: sends the parsed data, or shows what is wrong. */
  function submit<S extends z.ZodType>(schema: S, values: unknown, send: (data: z.output<S>) => void) {
    setFormError(null);
    const parsed = validateWith(schema, values);
    if (!parsed.ok) {
      setErrors(parsed.errors);
      return;
    }
    clear();
    send(parsed.data);
  }

  /** A <form>'s onSubmit: submits its fields (every named field as a string, unless `read` says otherwise). */
  function handleSubmit<S extends z.ZodType>(
    schema: S,
    send: (data: z.output<S>) => void,
    read: (form: HTMLFormElement) => unknown = readForm,
  ): (event: React.FormEvent<HTMLFormElement>) => void {
    return (event) => {
      event.preventDefault();
      submit(schema, read(event.currentTarget), send);
    };
  }

  /** For a mutation's onError: the server's field messages, or else one message for the form. */
  function onError(error: unknown) {
    if (!fromServer(error)) setFormError(errorMessage(error));
  }

  /** The props that tie a TextField to its message: `name`, `error`, and clearing it on input. */
  function field(name: string) {
    return { name, error: errors[name], onInput: () => clear(name) };
  }

  return { errors, setErrors, clear, fromServer, formError, setFormError, submit, handleSubmit, onError, field };
}

/** Only same-site relative paths are followed after login (no open redirects). */
export function safeRedirect(target: string | undefined, fallback = '/'): string {
  if (!target || !target.startsWith('/') || target.startsWith('//') || target.startsWith('/\\')) return fallback;
  return target;
}
