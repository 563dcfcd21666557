import type * as React from 'react';
import { cn } from '../../lib/utils.ts';

/** A native checkbox (keeps form semantics and keyboard behaviour), styled with the accent colour. */
export function Checkbox({ className, ...props }: Omit<React.ComponentProps<'input'>, 'type'>) {
  return (
    <input
      type="checkbox"
      data-slot="checkbox"
      className={cn('peer size-4 shrink-0 cursor-pointer rounded border-input accent-primary disabled:cursor-not-allowed disabled:opacity-50', className)}
      {...props}
    />
  );
}
