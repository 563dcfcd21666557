// The tooltip box shared by the charts: a small popover card listing each series with its colour.
import type * as React from 'react';
import { formatNumber } from '../../lib/format.ts';

export type TooltipRow = { key: string; label: string; value: number; color: string };

export function ChartTooltipBox({ title, rows, footer }: { title: React.ReactNode; rows: TooltipRow[]; footer?: React.ReactNode }) {
  return (
    <div className="min-w-40 rounded-lg border bg-popover px-3 py-2 text-xs text-popover-foreground shadow-lg">
      <p className="mb-1.5 font-medium">{title}</p>
      <dl className="grid gap-1">
        {rows.map((row) => (
          <div key={row.key} className="flex items-center justify-between gap-4">
            <dt className="flex items-center gap-1.5 text-muted-foreground">
              <span className="size-2 rounded-full" style={{ background: row.color }} aria-hidden="true" />
              {row.label}
            </dt>
            <dd className="font-medium tabular-nums">{formatNumber(row.value)}</dd>
          </div>
        ))}
      </dl>
      {footer ? <div className="mt-1.5 border-t pt-1.5 text-muted-foreground">{footer}</div> : null}
    </div>
  );
}
