// Invocations (area, left axis) and credits used (line, right axis) per UTC day. Loaded lazily
// (see lazy-charts.tsx): this module is the only place besides app-breakdown-chart.tsx that
// imports recharts, so the library lands in its own chunk.
import { useId } from 'react';
import { Area, CartesianGrid, ComposedChart, Line, Tooltip, type TooltipContentProps, XAxis, YAxis } from 'recharts';
import { formatNumber } from '../../lib/format.ts';
import { ChartTooltipBox } from './chart-tooltip.tsx';
import { SERIES_COLORS, SERIES_LABELS, type UsageChartPoint } from './chart-theme.ts';

const dayFormat = new Intl.DateTimeFormat('en', { weekday: 'short', month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' });

const AXIS_TICK = { fontSize: 12, fill: 'var(--color-muted-foreground)' };

function UsageTooltip({ active, payload }: TooltipContentProps) {
  const point = payload?.[0]?.payload as UsageChartPoint | undefined;
  if (!active || !point) return null;
  return (
    <ChartTooltipBox
      title={dayFormat.format(new Date(`${point.day}T00:00:00Z`))}
      rows={[
        { key: 'invocations', label: SERIES_LABELS.invocations, value: point.invocations, color: SERIES_COLORS.invocations },
        { key: 'credits', label: SERIES_LABELS.credits, value: point.credits, color: SERIES_COLORS.credits },
      ]}
    />
  );
}

export default function UsageChart({ data, height = 280 }: { data: UsageChartPoint[]; height?: number }) {
  const gradientId = `usage-fill-${useId().replace(/:/g, '')}`;
  return (
    <ComposedChart
      data={data}
      responsive
      style={{ width: '100%', height }}
      margin={{ top: 8, right: 4, bottom: 0, left: 4 }}
      accessibilityLayer
      title="Invocations and credits used per day"
      desc="Use the arrow keys to move from day to day."
    >
      <defs>
        <linearGradient id={gradientId} x1="0" y1="0" x2="0" y2="1">
          <stop offset="0%" stopColor={SERIES_COLORS.invocations} stopOpacity={0.28} />
          <stop offset="100%" stopColor={SERIES_COLORS.invocations} stopOpacity={0.02} />
        </linearGradient>
      </defs>
      <CartesianGrid vertical={false} stroke="var(--color-border)" strokeDasharray="3 3" />
      <XAxis dataKey="date" tickLine={false} axisLine={false} tick={AXIS_TICK} minTickGap={28} tickMargin={8} />
      <YAxis
        yAxisId="invocations"
        allowDecimals={false}
        tickLine={false}
        axisLine={false}
        tick={AXIS_TICK}
        width={44}
        tickFormatter={(v: number) => formatNumber(v)}
      />
      <YAxis
        yAxisId="credits"
        orientation="right"
        allowDecimals={false}
        tickLine={false}
        axisLine={false}
        tick={AXIS_TICK}
        width={44}
        tickFormatter={(v: number) => formatNumber(v)}
      />
      <Tooltip content={UsageTooltip} cursor={{ stroke: 'var(--color-input)', strokeWidth: 1 }} />
      <Area
        yAxisId="invocations"
        type="monotone"
        dataKey="invocations"
        name={SERIES_LABELS.invocations}
        stroke={SERIES_COLORS.invocations}
        strokeWidth={2}
        fill={`url(#${gradientId})`}
        dot={false}
        activeDot={{ r: 4, strokeWidth: 0 }}
        animationDuration={400}
      />
      <Line
        yAxisId="credits"
        type="monotone"
        dataKey="credits"
        name={SERIES_LABELS.credits}
        stroke={SERIES_COLORS.credits}
        strokeWidth={2}
        dot={false}
        activeDot={{ r: 4, strokeWidth: 0 }}
        animationDuration={400}
      />
    </ComposedChart>
  );
}
