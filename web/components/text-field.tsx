import { useId } from 'react';
import type * as React from 'react';
import { cn } from '../lib/utils.ts';
import { Input } from './ui/input.tsx';
import { Label } from './ui/label.tsx';

type TextFieldProps = Omit<React.ComponentProps<'input'>, 'id'> & {
  label: string;
  name: string;
  error?: string;
  hint?: React.ReactNode;
  /** Rendered at the right of the label row (e.g. a "Forgot password?" link). */
  labelAside?: React.ReactNode;
  /** Classes for the input itself (`className` styles the wrapper). */
  inputClassName?: string;
};

/** A labelled input with its hint and error message wired up for assistive technology. */
export function TextField({ label, name, error, hint, labelAside, className, inputClassName, ...inputProps }: TextFieldProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  return (
    <div className={cn('grid gap-2', className)}>
      <div className="flex items-center justify-between gap-2">
        <Label htmlFor={id}>{label}</Label>
        {labelAside}
      </div>
      <Input
        id={id}
        name={name}
        className={inputClassName}
        aria-invalid={error ? true : undefined}
        aria-describedby={[errorId, hintId].filter(Boolean).join(' ') || undefined}
        {...inputProps}
      />
      {error ? (
        <p id={errorId} className="text-xs font-medium text-destructive">
          {error}
        </p>
      ) : hint ? (
        <p id={hintId} className="text-xs text-muted-foreground">
          {hint}
        </p>
      ) : null}
    </div>
  );
}
