// The "invocations and credits over time" card of the dashboard and the usage page. The chart itself
// is lazy (recharts is only fetched when there is something to draw).
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { ChartNoAxesColumn } from 'lucide-react';
import { formatNumber } from '../../lib/format.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { SERIES_COLORS, SERIES_LABELS } from '../charts/chart-theme.ts';
import { ChartSkeleton, UsageChart } from '../charts/lazy-charts.tsx';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../ui/card.tsx';
import { InlineError } from './inline-error.tsx';
import type { RangeDays } from './range-search.ts';
import { RangeSwitch } from './segmented-control.tsx';

const CHART_HEIGHT = 280;

export function UsageChartCard({
  days,
  onDaysChange,
  title = 'Invocations and credits',
}: {
  days: RangeDays;
  /** When given, the card shows its own 7 / 30 / 90-day switch. */
  onDaysChange?: (days: RangeDays) => void;
  title?: string;
}) {
  const trpc = useTRPC();
  const chart = useQuery({ ...trpc.usage.chart.queryOptions({ days }), placeholderData: keepPreviousData });
  const points = chart.data ?? [];
  const totals = points.reduce((t, p) => ({ invocations: t.invocations + p.invocations, credits: t.credits + p.credits }), { invocations: 0, credits: 0 });
  const empty = chart.isSuccess && totals.invocations === 0 && totals.credits === 0;

  return (
    <Card>
      <CardHeader className="flex-row flex-wrap items-start justify-between gap-3">
        <div className="grid gap-1.5">
          <CardTitle>{title}</CardTitle>
          <CardDescription>Per day (UTC) over the last {days} days.</CardDescription>
        </div>
        {onDaysChange ? <RangeSwitch days={days} onChange={onDaysChange} /> : null}
      </CardHeader>
      <CardContent>
        {chart.isPending ? (
          <ChartSkeleton height={CHART_HEIGHT} label="Loading usage chart" />
        ) : chart.isError && !chart.data ? (
          <InlineError message="Could not load the usage chart" error={chart.error} onRetry={() => void chart.refetch()} retrying={chart.isFetching} />
        ) : empty ? (
          <div className="flex flex-col items-center justify-center rounded-lg border border-dashed px-6 text-center" style={{ height: CHART_HEIGHT }}>
            <div className="mb-3 flex size-10 items-center justify-center rounded-full bg-accent text-accent-foreground">
              <ChartNoAxesColumn className="size-5" aria-hidden="true" />
            </div>
            <p className="font-medium">No usage in the last {days} days</p>
            <p className="mt-1 max-w-sm text-xs text-muted-foreground">Invocations reported by your agents and the credits they use will be charted here.</p>
          </div>
        ) : (
          <>
            <ul className="mb-4 flex flex-wrap gap-x-6 gap-y-2 text-sm" aria-label={`Totals over the last ${days} days`}>
              {(['invocations', 'credits'] as const).map((key) => (
                <li key={key} className="flex items-center gap-2">
                  <span className="size-2.5 rounded-full" style={{ background: SERIES_COLORS[key] }} aria-hidden="true" />
                  <span className="text-muted-foreground">{SERIES_LABELS[key]}</span>
                  <span className="font-semibold tabular-nums" data-testid={`chart-total-${key}`}>
                    {formatNumber(totals[key])}
                  </span>
                </li>
              ))}
            </ul>
            <div className={chart.isPlaceholderData ? 'opacity-60 transition-opacity' : 'transition-opacity'} aria-busy={chart.isPlaceholderData || undefined}>
              <UsageChart data={points} height={CHART_HEIGHT} caption={`Invocations and credits used per day, last ${days} days`} />
            </div>
          </>
        )}
      </CardContent>
    </Card>
  );
}
