import { useQuery, useSuspenseQuery } from '@tanstack/react-query';
import { createFileRoute, Link, useNavigate } from '@tanstack/react-router';
import { Activity, Rocket } from 'lucide-react';
import { z } from 'zod/mini';
import { DeploymentsTable } from '../../../components/deployments-table.tsx';
import { EmptyState } from '../../../components/empty-state.tsx';
import { ErrorState } from '../../../components/error-state.tsx';
import { FilterSelect } from '../../../components/filter-select.tsx';
import { ListFooter } from '../../../components/list-footer.tsx';
import { ListSkeleton } from '../../../components/list-skeleton.tsx';
import { PageHeader } from '../../../components/page-header.tsx';
import { Badge } from '../../../components/ui/badge.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../../components/ui/card.tsx';
import { Skeleton } from '../../../components/ui/skeleton.tsx';
import { DEPLOYMENT_STATUSES, formatDuration, STATUS_LABELS } from '../../../lib/deployments.ts';
import { formatNumber } from '../../../lib/format.ts';
import { optionalParam } from '../../../lib/search-params.ts';
import { useTRPC } from '../../../lib/trpc.ts';
import { useDeploymentPages } from '../../../lib/use-deployment-pages.ts';
import { useNow } from '../../../lib/use-now.ts';

const searchSchema = z.object({
  app: optionalParam(z.string().check(z.maxLength(100))),
  status: optionalParam(z.enum(DEPLOYMENT_STATUSES)),
});

export const Route = createFileRoute('/_app/deployments/')({
  validateSearch: searchSchema,
  loader: ({ context }) => context.queryClient.ensureQueryData(context.trpc.apps.list.queryOptions()),
  head: () => ({ meta: [{ title: 'Deployments · Pixell Agent Cloud' }] }),
  pendingComponent: DeploymentsSkeleton,
  component: DeploymentsPage,
});

function DeploymentsPage() {
  const trpc = useTRPC();
  const navigate = useNavigate({ from: Route.fullPath });
  const search = Route.useSearch();
  const { data: apps } = useSuspenseQuery(trpc.apps.list.queryOptions());
  const appNames = new Map(apps.map((a) => [a.id, a.name]));
  const pages = useDeploymentPages({ appId: search.app, status: search.status });
  const running = pages.rows.some((d) => d.status === 'processing');
  const now = useNow(running ? 1000 : null);
  const filtered = Boolean(search.app || search.status);

  return (
    <>
      <PageHeader title="Deployments" description="Every deployment of every agent app in this organization." />
      <QueueStatsCard />

      <div className="mb-4 flex flex-col gap-3 sm:flex-row sm:items-end">
        <FilterSelect
          label="App"
          allLabel="All apps"
          className="sm:w-64"
          value={search.app}
          options={apps.map((a) => ({ value: a.id, label: a.name }))}
          onChange={(app) => void navigate({ search: (prev) => ({ ...prev, app }) })}
        />
        <FilterSelect
          label="Status"
          allLabel="All statuses"
          className="sm:w-48"
          value={search.status}
          options={DEPLOYMENT_STATUSES.map((s) => ({ value: s, label: s === 'failed' ? 'Failed or cancelled' : STATUS_LABELS[s] }))}
          onChange={(status) => void navigate({ search: (prev) => ({ ...prev, status }) })}
        />
        {filtered ? (
          <Button variant="ghost" onClick={() => void navigate({ search: {} })}>
            Clear filters
          </Button>
        ) : null}
      </div>

      {pages.isPending ? (
        <ListSkeleton label="Loading deployments" rows={5} cells={['h-4 w-32', 'h-4 w-16', 'h-5 w-20 rounded-full', 'ml-auto h-4 w-24']} />
      ) : pages.isError ? (
        <ErrorState title="Could not load deployments" error={pages.error} onRetry={() => void pages.refetch()} retrying={pages.isFetching} />
      ) : pages.rows.length === 0 ? (
        filtered ? (
          <EmptyState icon={Rocket} title="No matching deployments" description="No deployment matches these filters.">
            <Button variant="outline" onClick={() => void navigate({ search: {} })}>
              Clear filters
            </Button>
          </EmptyState>
        ) : (
          <EmptyState
            icon={Rocket}
            title="No deployments yet"
            description="When you deploy a package, its progress, live logs, duration and outcome appear here, with cancel, redeploy and rollback at hand."
          >
            <Button asChild>
              <Link to="/apps">Go to agent apps</Link>
            </Button>
          </EmptyState>
        )
      ) : (
        <>
          <Card className="overflow-hidden">
            <DeploymentsTable rows={pages.rows} appNames={appNames} now={now} />
          </Card>
          <ListFooter
            shown={pages.rows.length}
            noun={['deployment', 'deployments']}
            hasMore={pages.hasNextPage}
            loadingMore={pages.isFetchingNextPage}
            onLoadMore={() => void pages.fetchNextPage()}
          />
        </>
      )}
    </>
  );
}

const HEALTH_BADGE = { healthy: 'success', warning: 'warning', critical: 'destructive' } as const;
const HEALTH_LABEL = { healthy: 'Healthy', warning: 'Warning', critical: 'Critical' } as const;

function QueueStatsCard() {
  const trpc = useTRPC();
  const stats = useQuery({ ...trpc.deployments.queueStats.queryOptions(), refetchInterval: 10_000 });
  const items = [
    { key: 'queued', label: 'Queued' },
    { key: 'processing', label: 'Processing' },
    { key: 'completed', label: 'Completed' },
    { key: 'failed', label: 'Failed' },
  ] as const;
  return (
    <Card className="mb-6">
      <CardHeader className="flex-row flex-wrap items-start justify-between gap-3 pb-3">
        <div className="grid gap-1.5">
          <CardTitle className="flex items-center gap-2">
            <Activity className="size-4 text-muted-foreground" aria-hidden="true" />
            Deployment queue
          </CardTitle>
          <CardDescription>Platform-wide queue health, refreshed every few seconds.</CardDescription>
        </div>
        {stats.data ? (
          <div className="flex items-center gap-2" role="status">
            <Badge variant={HEALTH_BADGE[stats.data.health.status]}>{HEALTH_LABEL[stats.data.health.status]}</Badge>
            <span className="text-xs text-muted-foreground">{stats.data.health.message}</span>
          </div>
        ) : null}
      </CardHeader>
      <CardContent>
        {stats.isPending ? (
          <div className="grid grid-cols-2 gap-4 sm:grid-cols-5" role="status" aria-label="Loading queue statistics">
            {Array.from({ length: 5 }, (_, i) => (
              <Skeleton key={i} className="h-12" />
            ))}
          </div>
        ) : stats.isError ? (
          <div className="flex items-center justify-between gap-3 rounded-lg border border-red-200 bg-red-50/40 px-3 py-2 text-sm" role="alert">
            <span>Queue statistics are unavailable right now.</span>
            <Button variant="outline" size="sm" onClick={() => void stats.refetch()} pending={stats.isFetching}>
              Try again
            </Button>
          </div>
        ) : (
          <dl className="grid grid-cols-2 gap-4 sm:grid-cols-5">
            {items.map((item) => (
              <div key={item.key}>
                <dt className="text-xs font-medium text-muted-foreground">{item.label}</dt>
                <dd className="text-2xl font-semibold tabular-nums tracking-tight">{formatNumber(stats.data.stats[item.key])}</dd>
              </div>
            ))}
            <div>
              <dt className="text-xs font-medium text-muted-foreground">Avg. duration</dt>
              <dd className="text-2xl font-semibold tabular-nums tracking-tight">{formatDuration(stats.data.metrics.avgProcessingTimeSeconds * 1000)}</dd>
            </div>
          </dl>
        )}
      </CardContent>
    </Card>
  );
}

function DeploymentsSkeleton() {
  return (
    <div role="status" aria-label="Loading deployments">
      <Skeleton className="mb-2 h-8 w-44" />
      <Skeleton className="mb-8 h-4 w-80" />
      <Skeleton className="mb-6 h-36 rounded-xl" />
      <Skeleton className="h-72 rounded-xl" />
    </div>
  );
}
