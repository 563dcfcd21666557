// Usage & metrics for the SPA (usage page, dashboard): the same domain functions as rest/usage.ts.
import { createUsageExport } from '../domain/usage/create-usage-export.ts';
import { getAppUsageBreakdown } from '../domain/usage/get-app-usage-breakdown.ts';
import { getUsageChart } from '../domain/usage/get-usage-chart.ts';
import { getUsageMetrics } from '../domain/usage/get-usage-metrics.ts';
import { listUsageActivity } from '../domain/usage/list-usage-activity.ts';
import { usageActivityQuery, usageBreakdownInput, usageChartQuery, usageExportInput } from '../domain/usage/usage-schemas.ts';
import { orgProcedure, router } from './init.ts';

export const usageRouter = router({
  metrics: orgProcedure.query(({ ctx }) => getUsageMetrics(ctx.domain)),
  /** Points oldest first: `day` (YYYY-MM-DD, UTC), `date` ("Jan 01"), invocations, credits. */
  chart: orgProcedure.input(usageChartQuery.prefault({})).query(({ ctx, input }) => getUsageChart(ctx.domain, input)),
  activity: orgProcedure.input(usageActivityQuery.prefault({})).query(({ ctx, input }) => listUsageActivity(ctx.domain, input)),
  perAppBreakdown: orgProcedure.input(usageBreakdownInput.prefault({})).query(({ ctx, input }) => getAppUsageBreakdown(ctx.domain, input)),
  export: orgProcedure.input(usageExportInput).mutation(({ ctx, input }) => createUsageExport(ctx.domain, input)),
});
