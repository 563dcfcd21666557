import type * as React from 'react';
import { cn } from '../../lib/utils.ts';

export function Skeleton({ className, ...props }: React.ComponentProps<'div'>) {
  return <div data-slot="skeleton" aria-hidden="true" className={cn('animate-pulse rounded-md bg-zinc-200/70', className)} {...props} />;
}
