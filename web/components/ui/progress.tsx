import type * as React from 'react';
import { cn } from '../../lib/utils.ts';

/** A determinate progress bar (role="progressbar"); give it an accessible name with aria-label. */
export function Progress({
  value,
  max = 100,
  className,
  indicatorClassName,
  valueText,
  ...props
}: Omit<React.ComponentProps<'div'>, 'role'> & { value: number; max?: number; indicatorClassName?: string; valueText?: string }) {
  const clamped = Math.min(Math.max(value, 0), max);
  const percent = max > 0 ? (clamped / max) * 100 : 0;
  return (
    <div
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={max}
      aria-valuenow={clamped}
      aria-valuetext={valueText}
      data-slot="progress"
      className={cn('h-2 w-full overflow-hidden rounded-full bg-muted', className)}
      {...props}
    >
      <div className={cn('h-full rounded-full bg-primary transition-[width] duration-300 ease-out', indicatorClassName)} style={{ width: `${percent}%` }} />
    </div>
  );
}
