// The charts as lazily loaded components: recharts (and the chart modules) are fetched the first
// time a chart is rendered, so pages that show none (and the app shell, /login...) never load them.
// The charts can be explored with the arrow keys (recharts' accessibility layer); the usage chart
// also renders its data as a visually hidden table for screen readers.
import { lazy, Suspense } from 'react';
import { formatNumber } from '../../lib/format.ts';
import { Skeleton } from '../ui/skeleton.tsx';
import type { AppUsageRow, BreakdownMetric, UsageChartPoint } from './chart-theme.ts';

const UsageChartImpl = lazy(() => import('./usage-chart.tsx'));
const AppBreakdownChartImpl = lazy(() => import('./app-breakdown-chart.tsx'));

export function ChartSkeleton({ height, label = 'Loading chart' }: { height: number; label?: string }) {
  return (
    <div role="status" aria-label={label} style={{ height }} className="flex flex-col justify-end gap-2">
      <Skeleton className="h-full w-full rounded-lg" />
    </div>
  );
}

/** Invocations and credits per day (`caption` names the data table for assistive technology). */
export function UsageChart({ data, height = 280, caption }: { data: UsageChartPoint[]; height?: number; caption: string }) {
  return (
    <div data-testid="usage-chart">
      <Suspense fallback={<ChartSkeleton height={height} />}>
        <UsageChartImpl data={data} height={height} />
      </Suspense>
      <table className="sr-only" data-testid="usage-chart-table">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col">Invocations</th>
            <th scope="col">Credits used</th>
          </tr>
        </thead>
        <tbody>
          {data.map((p) => (
            <tr key={p.day}>
              <th scope="row">{p.date}</th>
              <td>{formatNumber(p.invocations)}</td>
              <td>{formatNumber(p.credits)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Bars per app; the table with every figure is rendered by the caller (it is visible there). */
export function AppBreakdownChart({ data, metric }: { data: AppUsageRow[]; metric: BreakdownMetric }) {
  return (
    <div data-testid="app-breakdown-chart">
      <Suspense fallback={<ChartSkeleton height={data.length * 36 + 36} />}>
        <AppBreakdownChartImpl data={data} metric={metric} />
      </Suspense>
    </div>
  );
}
