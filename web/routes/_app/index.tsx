import { useQuery, useSuspenseQuery } from '@tanstack/react-query';
import { createFileRoute, Link } from '@tanstack/react-router';
import { ArrowRight, Check, Coins, KeyRound, Rocket, Users } from 'lucide-react';
import type * as React from 'react';
import { PageHeader } from '../../components/page-header.tsx';
import { Badge } from '../../components/ui/badge.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../components/ui/card.tsx';
import { Skeleton } from '../../components/ui/skeleton.tsx';
import { formatNumber, ROLE_LABELS } from '../../lib/format.ts';
import { useTRPC } from '../../lib/trpc.ts';

export const Route = createFileRoute('/_app/')({
  loader: ({ context }) => context.queryClient.ensureQueryData(context.trpc.org.current.queryOptions()),
  head: () => ({ meta: [{ title: 'Dashboard · Pixell Agent Cloud' }] }),
  pendingComponent: DashboardSkeleton,
  component: DashboardPage,
});

function DashboardPage() {
  const trpc = useTRPC();
  const { data: current } = useSuspenseQuery(trpc.org.current.queryOptions());
  // The checklist is a convenience: if these fail the items simply stay unchecked.
  const apiKeys = useQuery(trpc.apiKeys.list.queryOptions());
  const members = useQuery(trpc.org.members.queryOptions());
  const apps = useQuery(trpc.apps.list.queryOptions());
  const { organization, role } = current;

  const checklist: ChecklistItem[] = [
    {
      title: 'Create an API key',
      description: 'Use it from the CLI or CI to upload packages and trigger deployments.',
      done: (apiKeys.data?.length ?? 0) > 0,
      loading: apiKeys.isPending,
      link: <Link to="/api-keys">Create an API key</Link>,
    },
    {
      title: 'Invite a teammate',
      description: 'Work together: members can deploy, admins also manage people and keys.',
      done: (members.data?.length ?? 0) > 1,
      loading: members.isPending,
      link: <Link to="/organization">Invite a teammate</Link>,
    },
    {
      title: 'Deploy an agent',
      description: 'Create an agent app, upload its APKG package and watch it go live.',
      done: apps.data?.some((app) => app.activeVersion !== null) ?? false,
      loading: apps.isPending,
      link: <Link to="/apps">Deploy an agent</Link>,
    },
  ];
  const doneCount = checklist.filter((item) => item.done).length;

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
      <div className="grid grid-cols-2 gap-4 md:grid-cols-3">
        <Card className="col-span-2 md:col-span-1">
          <CardHeader className="flex-row items-center justify-between pb-2">
            <CardDescription className="font-medium">Credit balance</CardDescription>
            <Coins className="size-4 text-muted-foreground" aria-hidden="true" />
          </CardHeader>
          <CardContent>
            <p className="text-3xl font-semibold tracking-tight" data-testid="credit-balance">
              {formatNumber(organization.credits)}
            </p>
            <p className="mt-1 text-xs text-muted-foreground">credits available for deployments</p>
            <Button asChild variant="link" size="sm" className="mt-3">
              <Link to="/billing">
                View billing <ArrowRight aria-hidden="true" />
              </Link>
            </Button>
          </CardContent>
        </Card>
        <StatCard label="Members" icon={Users} value={members.data?.length} loading={members.isPending} />
        <StatCard label="API keys" icon={KeyRound} value={apiKeys.data?.length} loading={apiKeys.isPending} />
      </div>

      <Card className="mt-6">
        <CardHeader>
          <div className="flex items-center justify-between gap-4">
            <CardTitle>Get started</CardTitle>
            <span className="text-xs text-muted-foreground">
              {doneCount} of {checklist.length} done
            </span>
          </div>
          <CardDescription>A few steps to get your first agent running.</CardDescription>
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
    </>
  );
}

type ChecklistItem = { title: string; description: string; done: boolean; loading: boolean; link: React.ReactElement };

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

function StatCard({ label, icon: Icon, value, loading }: { label: string; icon: typeof Rocket; value: number | undefined; loading: boolean }) {
  return (
    <Card>
      <CardHeader className="flex-row items-center justify-between pb-2">
        <CardDescription className="font-medium">{label}</CardDescription>
        <Icon className="size-4 text-muted-foreground" aria-hidden="true" />
      </CardHeader>
      <CardContent>
        {loading ? <Skeleton className="h-9 w-16" /> : <p className="text-3xl font-semibold tracking-tight">{value === undefined ? '—' : formatNumber(value)}</p>}
      </CardContent>
    </Card>
  );
}

function DashboardSkeleton() {
  return (
    <div role="status" aria-label="Loading dashboard">
      <Skeleton className="mb-2 h-8 w-56" />
      <Skeleton className="mb-8 h-4 w-40" />
      <div className="grid grid-cols-2 gap-4 md:grid-cols-3">
        <Skeleton className="col-span-2 h-36 rounded-xl md:col-span-1" />
        <Skeleton className="h-36 rounded-xl" />
        <Skeleton className="h-36 rounded-xl" />
      </div>
      <Skeleton className="mt-6 h-72 rounded-xl" />
    </div>
  );
}
