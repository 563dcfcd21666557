// Usage per agent app over the selected range: a bar chart (credits or invocations) and the table
// with every figure.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { Bot } from 'lucide-react';
import { useState } from 'react';
import { formatNumber } from '../../lib/format.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { cn } from '../../lib/utils.ts';
import type { BreakdownMetric } from '../charts/chart-theme.ts';
import { AppBreakdownChart, ChartSkeleton } from '../charts/lazy-charts.tsx';
import { Badge } from '../ui/badge.tsx';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../ui/card.tsx';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../ui/table.tsx';
import { InlineError } from './inline-error.tsx';
import { SegmentedControl } from './segmented-control.tsx';
import type { RangeDays } from './range-search.ts';

/** Bars drawn for at most this many apps (the table lists them all). */
const CHART_APPS = 10;

export function AppBreakdownCard({ days }: { days: RangeDays }) {
  const trpc = useTRPC();
  const breakdown = useQuery({ ...trpc.usage.perAppBreakdown.queryOptions({ days }), placeholderData: keepPreviousData });
  const [metric, setMetric] = useState<BreakdownMetric>('credits');
  const rows = breakdown.data ?? [];
  const charted = [...rows].sort((a, b) => b[metric] - a[metric]).slice(0, CHART_APPS);
  const hasUsage = rows.some((r) => r.invocations > 0 || r.credits > 0 || r.deployments > 0 || r.packagesUploaded > 0);

  return (
    <Card>
      <CardHeader className="flex-row flex-wrap items-start justify-between gap-3">
        <div className="grid gap-1.5">
          <CardTitle>By agent app</CardTitle>
          <CardDescription>Where your credits went over the last {days} days.</CardDescription>
        </div>
        {hasUsage ? (
          <SegmentedControl
            label="Bar chart metric"
            value={metric}
            onChange={setMetric}
            options={[
              { value: 'credits', label: 'Credits' },
              { value: 'invocations', label: 'Invocations' },
            ]}
          />
        ) : null}
      </CardHeader>
      <CardContent className="grid gap-6">
        {breakdown.isPending ? (
          <ChartSkeleton height={180} label="Loading usage by app" />
        ) : breakdown.isError && !breakdown.data ? (
          <InlineError message="Could not load usage by app" error={breakdown.error} onRetry={() => void breakdown.refetch()} retrying={breakdown.isFetching} />
        ) : !hasUsage ? (
          <div className="flex flex-col items-center justify-center rounded-lg border border-dashed px-6 py-10 text-center">
            <div className="mb-3 flex size-10 items-center justify-center rounded-full bg-accent text-accent-foreground">
              <Bot className="size-5" aria-hidden="true" />
            </div>
            <p className="font-medium">No app usage in the last {days} days</p>
            <p className="mt-1 max-w-sm text-xs text-muted-foreground">Deployments, uploads and invocations are broken down per agent app here.</p>
          </div>
        ) : (
          <div className={cn('grid gap-6 transition-opacity', breakdown.isPlaceholderData && 'opacity-60')} aria-busy={breakdown.isPlaceholderData || undefined}>
            <AppBreakdownChart data={charted} metric={metric} />
            <div className="overflow-hidden rounded-lg border">
              <Table aria-label={`Usage by agent app, last ${days} days`} data-testid="app-breakdown-table">
                <TableHeader>
                  <TableRow className="hover:bg-transparent">
                    <TableHead>App</TableHead>
                    <TableHead className="text-right">Invocations</TableHead>
                    <TableHead className="text-right">Deployments</TableHead>
                    <TableHead className="text-right">Uploads</TableHead>
                    <TableHead className="text-right">Credits</TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {rows.map((r) => (
                    <TableRow key={r.appId}>
                      <TableCell className="font-medium">
                        {r.deleted ? (
                          <span className="inline-flex items-center gap-2 text-muted-foreground">
                            {r.appName} <Badge variant="outline">deleted</Badge>
                          </span>
                        ) : (
                          <Link to="/apps/$appId" params={{ appId: r.appId }} className="hover:underline">
                            {r.appName}
                          </Link>
                        )}
                      </TableCell>
                      <TableCell className="text-right tabular-nums">{formatNumber(r.invocations)}</TableCell>
                      <TableCell className="text-right tabular-nums">{formatNumber(r.deployments)}</TableCell>
                      <TableCell className="text-right tabular-nums">{formatNumber(r.packagesUploaded)}</TableCell>
                      <TableCell className="text-right font-medium tabular-nums">{formatNumber(r.credits)}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </div>
          </div>
        )}
      </CardContent>
    </Card>
  );
}
