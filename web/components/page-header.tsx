import type * as React from 'react';
import { cn } from '../lib/utils.ts';
import { Skeleton } from './ui/skeleton.tsx';

export function PageHeader({ title, description, actions }: { title: string; description?: React.ReactNode; actions?: React.ReactNode }) {
  return (
    <div className="mb-8 flex flex-col gap-4 sm:flex-row sm:items-end sm:justify-between">
      <div className="min-w-0">
        <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
        {description ? <p className="mt-1 text-sm text-muted-foreground">{description}</p> : null}
      </div>
      {actions ? <div className="flex shrink-0 items-center gap-2">{actions}</div> : null}
    </div>
  );
}

/** The page header of a page that is loading: title, description and an action button, by their widths. */
export function PageHeaderSkeleton({
  titleWidth = 'w-40',
  descriptionWidth = 'w-96 max-w-full',
  actionWidth,
}: {
  titleWidth?: string;
  descriptionWidth?: string;
  actionWidth?: string;
}) {
  return (
    <div className="mb-8 flex items-end justify-between">
      <div className="grid gap-2">
        <Skeleton className={cn('h-8', titleWidth)} />
        <Skeleton className={cn('h-4', descriptionWidth)} />
      </div>
      {actionWidth ? <Skeleton className={cn('h-9', actionWidth)} /> : null}
    </div>
  );
}
