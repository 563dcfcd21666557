// Dialogs that hold a form: the dialog with its heading, whose body is mounted only while it is
// open (a fresh form every time), and the form inside it (its message, fields, Cancel and submit).
import { Suspense } from 'react';
import type * as React from 'react';
import { FormAlert } from './form-alert.tsx';
import { Button, type ButtonProps } from './ui/button.tsx';
import { Dialog, DialogClose, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from './ui/dialog.tsx';
import { Skeleton } from './ui/skeleton.tsx';

/**
 * A dialog with a title and a description above its body. The body is rendered only while the
 * dialog is open; a body that is a lazy component shows a placeholder while it loads.
 */
export function FormDialog({
  open,
  onOpenChange,
  title,
  description,
  className,
  children,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: React.ReactNode;
  description: React.ReactNode;
  /** Classes of the dialog's panel (e.g. a wider `max-w-xl`). */
  className?: string;
  children: React.ReactNode;
}) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent className={className}>
        {open ? (
          <div className="grid gap-5">
            <DialogHeader>
              <DialogTitle>{title}</DialogTitle>
              <DialogDescription>{description}</DialogDescription>
            </DialogHeader>
            <Suspense fallback={<FormPlaceholder />}>{children}</Suspense>
          </div>
        ) : null}
      </DialogContent>
    </Dialog>
  );
}

function FormPlaceholder() {
  return (
    <div role="status" aria-label="Loading" className="grid gap-5">
      <Skeleton className="h-16" />
      <Skeleton className="ml-auto h-9 w-40" />
    </div>
  );
}

/**
 * The form of a FormDialog: an error message for the whole form, the fields, then Cancel (which
 * closes the dialog, disabled while the action runs) and the submit button.
 */
export function DialogForm({
  onSubmit,
  error,
  pending,
  submitLabel,
  submitVariant,
  submitDisabled,
  footerStart,
  children,
}: {
  onSubmit: (event: React.FormEvent<HTMLFormElement>) => void;
  error?: React.ReactNode;
  pending: boolean;
  submitLabel: React.ReactNode;
  submitVariant?: ButtonProps['variant'];
  submitDisabled?: boolean;
  /** Shown at the left of the buttons (e.g. a total). */
  footerStart?: React.ReactNode;
  children: React.ReactNode;
}) {
  const buttons = (
    <>
      <DialogClose asChild>
        <Button type="button" variant="outline" disabled={pending}>
          Cancel
        </Button>
      </DialogClose>
      <Button type="submit" variant={submitVariant} pending={pending} disabled={submitDisabled}>
        {submitLabel}
      </Button>
    </>
  );
  return (
    <form noValidate onSubmit={onSubmit} className="grid gap-5">
      {error ? <FormAlert>{error}</FormAlert> : null}
      {children}
      {footerStart === undefined ? (
        <DialogFooter>{buttons}</DialogFooter>
      ) : (
        <DialogFooter className="items-center sm:justify-between">
          {footerStart}
          <div className="flex flex-col-reverse gap-2 sm:flex-row">{buttons}</div>
        </DialogFooter>
      )}
    </form>
  );
}
