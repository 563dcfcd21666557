// Colours and the shared types of the charts. Kept free of recharts so that pages can import the
// types and legend colours without pulling the chart library into their chunk.

export const SERIES_COLORS = {
  invocations: 'var(--color-primary)',
  credits: 'oklch(0.696 0.17 162.48)',
} as const;

export const SERIES_LABELS = {
  invocations: 'Invocations',
  credits: 'Credits used',
} as const;

export type UsageChartPoint = { day: string; date: string; invocations: number; credits: number };

export type AppUsageRow = {
  appId: string;
  appName: string;
  deleted: boolean;
  invocations: number;
  deployments: number;
  packagesUploaded: number;
  credits: number;
};

export type BreakdownMetric = 'credits' | 'invocations';
