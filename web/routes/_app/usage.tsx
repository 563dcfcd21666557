import { createFileRoute, useNavigate } from '@tanstack/react-router';
import { PageHeader } from '../../components/page-header.tsx';
import { AppBreakdownCard } from '../../components/usage/app-breakdown-card.tsx';
import { ExportForm } from '../../components/usage/export-form.tsx';
import { MetricCards } from '../../components/usage/metric-cards.tsx';
import { rangeOf, rangeSearchSchema } from '../../components/usage/range-search.ts';
import { RangeSwitch } from '../../components/usage/segmented-control.tsx';
import { UsageChartCard } from '../../components/usage/usage-chart-card.tsx';

export const Route = createFileRoute('/_app/usage')({
  validateSearch: rangeSearchSchema,
  loaderDeps: ({ search }) => ({ days: rangeOf(search) }),
  loader: ({ context, deps }) => {
    // Nothing blocks the page: each panel has its own skeleton; this only starts the requests.
    const { queryClient, trpc } = context;
    void queryClient.prefetchQuery(trpc.usage.metrics.queryOptions());
    void queryClient.prefetchQuery(trpc.usage.chart.queryOptions({ days: deps.days }));
    void queryClient.prefetchQuery(trpc.usage.perAppBreakdown.queryOptions({ days: deps.days }));
  },
  head: () => ({ meta: [{ title: 'Usage · Pixell Agent Cloud' }] }),
  component: UsagePage,
});

function UsagePage() {
  const navigate = useNavigate({ from: Route.fullPath });
  const days = rangeOf(Route.useSearch());
  return (
    <>
      <PageHeader
        title="Usage"
        description="How your agents use the platform, and what it costs in credits."
        actions={<RangeSwitch days={days} onChange={(d) => void navigate({ search: (prev) => ({ ...prev, days: d === 30 ? undefined : d }), replace: true })} />}
      />
      <div className="grid gap-6">
        <MetricCards />
        <UsageChartCard days={days} />
        <AppBreakdownCard days={days} />
        <ExportForm />
      </div>
    </>
  );
}
