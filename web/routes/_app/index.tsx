import { useQuery, useSuspenseQuery } from '@tanstack/react-query';
import { createFileRoute, Link, useNavigate } from '@tanstack/react-router';
import { Check } from 'lucide-react';
import { useState } from 'react';
import type * as React from 'react';
import { BalanceCard } from '../../components/billing/balance-card.tsx';
import { LowBalanceBanner } from '../../components/billing/low-balance-banner.tsx';
import { TopUpDialog } from '../../components/billing/top-up-dialog.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { Badge } from '../../components/ui/badge.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../components/ui/card.tsx';
import { Skeleton } from '../../components/ui/skeleton.tsx';
import { ActivityList } from '../../components/usage/activity-list.tsx';
import { MetricCards } from '../../components/usage/metric-cards.tsx';
import { rangeOf, rangeSearchSchema } from '../../components/usage/range-search.ts';
import { UsageChartCard } from '../../components/usage/usage-chart-card.tsx';
import { ROLE_LABELS } from '../../lib/format.ts';
import { canManageOrganization } from '../../lib/permissions.ts';
import { useTRPC } from '../../lib/trpc.ts';

export const Route = createFileRoute('/_app/')({
  validateSearch: rangeSearchSchema,
  loaderDeps: ({ search }) => ({ days: rangeOf(search) }),
  loader: ({ context, deps }) => {
    // Start every panel's request now; only the header waits.
    const { queryClient, trpc } = context;
    void queryClient.prefetchQuery(trpc.usage.metrics.queryOptions());
    void queryClient.prefetchQuery(trpc.usage.chart.queryOptions({ days: deps.days }));
    void queryClient.prefetchQuery(trpc.usage.activity.queryOptions({ limit: 8 }));
    return queryClient.ensureQueryData(trpc.org.current.queryOptions());
  },
  head: () => ({ meta: [{ title: 'Dashboard · Pixell Agent Cloud' }] }),
  pendingComponent: DashboardSkeleton,
  component: DashboardPage,
});

function DashboardPage() {
  const trpc = useTRPC();
  const navigate = useNavigate({ from: Route.fullPath });
  const days = rangeOf(Route.useSearch());
  const { data: current } = useSuspenseQuery(trpc.org.current.queryOptions());
  const { organization, role } = current;
  const canTopUp = canManageOrganization(role);
  const [topUpOpen, setTopUpOpen] = useState(false);

  return (
    <>
      <PageHeader
        title={organization.name}
        description={
          <span className="inline-flex items-center gap-2">
            Organization overview <Badge variant="accent">{ROLE_LABELS[role]}</Badge>
          </span>
        }
      />
      <LowBalanceBanner
        action={
          canTopUp ? (
            <Button size="sm" variant="outline" className="border-amber-300 bg-white" onClick={() => setTopUpOpen(true)}>
              Top up now
            </Button>
          ) : null
        }
      />
      <GettingStarted />

      <div className="grid gap-4 lg:grid-cols-3">
        <BalanceCard canTopUp={canTopUp} onTopUp={() => setTopUpOpen(true)} showBillingLink />
        <div className="lg:col-span-2">
          <MetricCards className="grid-cols-2" />
        </div>
      </div>

      <div className="mt-4 grid gap-4 lg:grid-cols-3">
        <div className="min-w-0 lg:col-span-2">
          <UsageChartCard days={days} onDaysChange={(d) => void navigate({ search: (prev) => ({ ...prev, days: d === 30 ? undefined : d }), replace: true })} />
        </div>
        <ActivityList limit={8} />
      </div>

      {canTopUp ? <TopUpDialog open={topUpOpen} onOpenChange={setTopUpOpen} /> : null}
    </>
  );
}

type ChecklistItem = { title: string; description: string; done: boolean; loading: boolean; link: React.ReactElement };

/** The first-run checklist of a new organization; it disappears once every step is done. */
function GettingStarted() {
  const trpc = useTRPC();
  // A convenience: if these fail the items simply stay unchecked.
  const apps = useQuery(trpc.apps.list.queryOptions());
  const apiKeys = useQuery(trpc.apiKeys.list.queryOptions());

  const checklist: ChecklistItem[] = [
    {
      title: 'Create an agent app',
      description: 'An app holds the packages and deployments of one agent.',
      done: (apps.data?.length ?? 0) > 0,
      loading: apps.isPending,
      link: <Link to="/apps">Create an app</Link>,
    },
    {
      title: 'Create an API key',
      description: 'Use it from the CLI or CI to upload packages and trigger deployments.',
      done: (apiKeys.data?.length ?? 0) > 0,
      loading: apiKeys.isPending,
      link: <Link to="/api-keys">Create a key</Link>,
    },
    {
      title: 'Deploy a package',
      description: 'Upload an APKG package to your app and watch it go live.',
      done: apps.data?.some((app) => app.activeVersion !== null) ?? false,
      loading: apps.isPending,
      link: <Link to="/apps">Deploy a package</Link>,
    },
  ];
  const doneCount = checklist.filter((item) => item.done).length;
  if (apps.isPending && apiKeys.isPending) return <Skeleton className="mb-6 h-64 rounded-xl" />;
  if (doneCount === checklist.length) return null;

  return (
    <Card className="mb-6" data-testid="getting-started">
      <CardHeader>
        <div className="flex items-center justify-between gap-4">
          <CardTitle>Get started</CardTitle>
          <span className="text-xs text-muted-foreground">
            {doneCount} of {checklist.length} done
          </span>
        </div>
        <CardDescription>Three steps to get your first agent running.</CardDescription>
        <div
          className="mt-2 h-1.5 overflow-hidden rounded-full bg-muted"
          role="progressbar"
          aria-label="Getting started progress"
          aria-valuemin={0}
          aria-valuemax={checklist.length}
          aria-valuenow={doneCount}
        >
          <div className="h-full rounded-full bg-primary transition-all" style={{ width: `${(doneCount / checklist.length) * 100}%` }} />
        </div>
      </CardHeader>
      <CardContent className="px-0 pb-2">
        <ol className="divide-y border-t">
          {checklist.map((item) => (
            <ChecklistRow key={item.title} item={item} />
          ))}
        </ol>
      </CardContent>
    </Card>
  );
}

function ChecklistRow({ item }: { item: ChecklistItem }) {
  return (
    <li className="flex items-center gap-4 px-6 py-4">
      <span
        className={
          item.done
            ? 'flex size-6 shrink-0 items-center justify-center rounded-full bg-primary text-primary-foreground'
            : 'flex size-6 shrink-0 items-center justify-center rounded-full border-2 border-dashed border-zinc-300'
        }
      >
        {item.done ? <Check className="size-3.5" aria-hidden="true" /> : null}
      </span>
      <div className="min-w-0 flex-1">
        <p className={item.done ? 'font-medium text-muted-foreground line-through' : 'font-medium'}>
          {item.title}
          <span className="sr-only">{item.done ? ' (done)' : ' (to do)'}</span>
        </p>
        <p className="text-xs text-muted-foreground">{item.description}</p>
      </div>
      {item.loading ? (
        <Skeleton className="h-8 w-24" />
      ) : item.done ? (
        <Badge variant="success">Done</Badge>
      ) : (
        <Button asChild variant="outline" size="sm">
          {item.link}
        </Button>
      )}
    </li>
  );
}

function DashboardSkeleton() {
  return (
    <div role="status" aria-label="Loading dashboard">
      <Skeleton className="mb-2 h-8 w-56" />
      <Skeleton className="mb-8 h-4 w-40" />
      <div className="grid gap-4 lg:grid-cols-3">
        <Skeleton className="h-64 rounded-xl" />
        <div className="grid grid-cols-2 gap-4 lg:col-span-2">
          {Array.from({ length: 4 }, (_, i) => (
            <Skeleton key={i} className="h-[118px] rounded-xl" />
          ))}
        </div>
      </div>
      <div className="mt-4 grid gap-4 lg:grid-cols-3">
        <Skeleton className="h-96 rounded-xl lg:col-span-2" />
        <Skeleton className="h-96 rounded-xl" />
      </div>
    </div>
  );
}
