// Usage per agent app as horizontal bars (one metric at a time). Loaded lazily, like usage-chart.tsx.
import { Bar, BarChart, CartesianGrid, Tooltip, type TooltipContentProps, XAxis, YAxis } from 'recharts';
import { formatNumber } from '../../lib/format.ts';
import { ChartTooltipBox } from './chart-tooltip.tsx';
import { type AppUsageRow, type BreakdownMetric, SERIES_COLORS } from './chart-theme.ts';

const AXIS_TICK = { fontSize: 12, fill: 'var(--color-muted-foreground)' };
const ROW_HEIGHT = 36;

function BreakdownTooltip({ active, payload }: TooltipContentProps) {
  const row = payload?.[0]?.payload as AppUsageRow | undefined;
  if (!active || !row) return null;
  return (
    <ChartTooltipBox
      title={row.appName}
      rows={[
        { key: 'invocations', label: 'Invocations', value: row.invocations, color: SERIES_COLORS.invocations },
        { key: 'credits', label: 'Credits used', value: row.credits, color: SERIES_COLORS.credits },
      ]}
      footer={`${formatNumber(row.deployments)} deployments · ${formatNumber(row.packagesUploaded)} uploads`}
    />
  );
}

function truncate(name: string, max = 18): string {
  return name.length > max ? `${name.slice(0, max - 1)}…` : name;
}

export default function AppBreakdownChart({ data, metric }: { data: AppUsageRow[]; metric: BreakdownMetric }) {
  const sorted = [...data].sort((a, b) => b[metric] - a[metric]);
  return (
    <BarChart
      data={sorted}
      layout="vertical"
      responsive
      style={{ width: '100%', height: sorted.length * ROW_HEIGHT + 36 }}
      margin={{ top: 4, right: 16, bottom: 0, left: 4 }}
      barCategoryGap={8}
      accessibilityLayer
      title={metric === 'credits' ? 'Credits used per agent app' : 'Invocations per agent app'}
      desc="Use the arrow keys to move from app to app."
    >
      <CartesianGrid horizontal={false} stroke="var(--color-border)" strokeDasharray="3 3" />
      <XAxis type="number" allowDecimals={false} tickLine={false} axisLine={false} tick={AXIS_TICK} tickFormatter={(v: number) => formatNumber(v)} />
      <YAxis
        type="category"
        dataKey="appName"
        tickLine={false}
        axisLine={false}
        tick={AXIS_TICK}
        width={132}
        tickFormatter={(v: string) => truncate(v)}
      />
      <Tooltip content={BreakdownTooltip} cursor={{ fill: 'var(--color-muted)' }} />
      <Bar dataKey={metric} fill={SERIES_COLORS[metric]} radius={[0, 4, 4, 0]} maxBarSize={22} animationDuration={400} />
    </BarChart>
  );
}
