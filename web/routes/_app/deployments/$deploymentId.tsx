// The live view of one deployment: its five steps, a progress bar, the log as it is written and the
// outcome. Everything after the first load comes from the `deployments.follow` subscription (SSE,
// resumed from the last event id after a reconnect), so the page never needs a reload.
import { useQuery, useSuspenseQuery } from '@tanstack/react-query';
import { createFileRoute, Link } from '@tanstack/react-router';
import { useSubscription } from '@trpc/tanstack-react-query';
import { Ban, ChevronLeft, CircleCheck, CircleX, History, Radio, RotateCw, TriangleAlert, WifiOff, XCircle } from 'lucide-react';
import { useLayoutEffect, useRef, useState } from 'react';
import { RedeployDialog, RollbackDialog, type RollbackTarget, CancelDeploymentDialog } from '../../../components/deployment-actions.tsx';
import { DeploymentStatusBadge, StepIcon } from '../../../components/deployment-status.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../../components/ui/card.tsx';
import { Progress } from '../../../components/ui/progress.tsx';
import { Skeleton } from '../../../components/ui/skeleton.tsx';
import {
  type AppDetail,
  completedSteps,
  type Deployment,
  deploymentCost,
  deploymentDuration,
  type DeploymentEvent,
  elapsed,
  formatDuration,
  isActive,
  STEP_LABELS,
  STEP_ORDER,
  type StepName,
} from '../../../lib/deployments.ts';
import { formatDateTime, formatNumber, formatRelative } from '../../../lib/format.ts';
import { queryClient, useTRPC } from '../../../lib/trpc.ts';
import { useNow } from '../../../lib/use-now.ts';
import { cn } from '../../../lib/utils.ts';
import { Timestamp } from '../../../components/timestamp.tsx';

export const Route = createFileRoute('/_app/deployments/$deploymentId')({
  loader: async ({ context, params }) => {
    const { queryClient: qc, trpc } = context;
    // Always fresh: the live view subscribes from the last event it has.
    const [deployment] = await Promise.all([
      qc.fetchQuery({ ...trpc.deployments.get.queryOptions({ id: params.deploymentId }), staleTime: 0 }),
      qc.fetchQuery({ ...trpc.deployments.events.queryOptions({ id: params.deploymentId, after: 0 }), staleTime: 0 }),
    ]);
    const app = await qc.ensureQueryData(trpc.apps.get.queryOptions({ id: deployment.appId }));
    return { title: `${app.name} v${deployment.version}` };
  },
  head: ({ loaderData }) => ({ meta: [{ title: `Deployment ${loaderData?.title ?? ''} · Pixell Agent Cloud` }] }),
  pendingComponent: DeploymentSkeleton,
  component: DeploymentPage,
});

const TITLE_PREFIX = { deploy: 'Deploy', rollback: 'Rollback to', redeploy: 'Redeploy' } as const;

function DeploymentPage() {
  const { deploymentId } = Route.useParams();
  // A new component per deployment: the subscription starts from that deployment's own last event.
  return <DeploymentView key={deploymentId} id={deploymentId} />;
}

function lastSeq(events: DeploymentEvent[]): number {
  return events.reduce((max, e) => Math.max(max, e.seq), 0);
}

function DeploymentView({ id }: { id: string }) {
  const trpc = useTRPC();
  const { data: deployment } = useSuspenseQuery(trpc.deployments.get.queryOptions({ id }));
  const { data: events } = useSuspenseQuery(trpc.deployments.events.queryOptions({ id, after: 0 }));
  const { data: app } = useSuspenseQuery(trpc.apps.get.queryOptions({ id: deployment.appId }));
  const [startAfter] = useState(() => lastSeq(events));
  const live = isActive(deployment.status);

  const subscription = useSubscription(
    trpc.deployments.follow.subscriptionOptions(
      { id, lastEventId: startAfter > 0 ? String(startAfter) : null },
      {
        enabled: live,
        onData: ({ data }) => {
          const { event, deployment: next } = data;
          queryClient.setQueryData(trpc.deployments.events.queryKey({ id, after: 0 }), (old) =>
            old ? (old.some((e) => e.seq === event.seq) ? old : [...old, event].sort((a, b) => a.seq - b.seq)) : [event],
          );
          const previous = queryClient.getQueryData(trpc.deployments.get.queryKey({ id }));
          queryClient.setQueryData(trpc.deployments.get.queryKey({ id }), next);
          if (previous && isActive(previous.status) && !isActive(next.status)) {
            // The outcome changes the app's live version, the lists and the credit balance.
            void Promise.all([
              queryClient.invalidateQueries({ queryKey: trpc.apps.pathKey() }),
              queryClient.invalidateQueries({ queryKey: trpc.deployments.list.pathKey() }),
              queryClient.invalidateQueries({ queryKey: trpc.deployments.queueStats.queryKey() }),
              queryClient.invalidateQueries({ queryKey: trpc.auth.me.queryKey() }),
              queryClient.invalidateQueries({ queryKey: trpc.org.current.queryKey() }),
            ]);
          }
        },
      },
    ),
  );
  // If the live connection is down, fall back to polling until it is back.
  useQuery({
    ...trpc.deployments.get.queryOptions({ id }),
    enabled: live && subscription.status === 'error',
    refetchInterval: 3000,
  });
  useQuery({
    ...trpc.deployments.events.queryOptions({ id, after: 0 }),
    enabled: live && subscription.status === 'error',
    refetchInterval: 3000,
  });

  const now = useNow(live ? 1000 : null);
  const [cancelling, setCancelling] = useState(false);
  const [redeploying, setRedeploying] = useState(false);
  const [rollback, setRollback] = useState<RollbackTarget | null>(null);

  const pkg = app.packages.find((p) => p.id === deployment.packageId) ?? null;
  const previousLive = usePreviousLiveVersion(deployment, app);
  const done = completedSteps(deployment);
  const total = deployment.steps.length || STEP_ORDER.length;
  const duration = deploymentDuration(deployment, now);

  return (
    <>
      <Link
        to="/apps/$appId"
        params={{ appId: app.id }}
        search={{ tab: 'deployments' }}
        className="mb-4 inline-flex items-center gap-1 rounded-sm text-sm text-muted-foreground outline-none hover:text-foreground focus-visible:ring-2 focus-visible:ring-ring"
      >
        <ChevronLeft className="size-4" aria-hidden="true" />
        {app.name}
      </Link>
      <div className="mb-6 flex flex-col gap-4 sm:flex-row sm:items-start sm:justify-between">
        <div className="min-w-0">
          <div className="flex flex-wrap items-center gap-2">
            <h1 className="text-2xl font-semibold tracking-tight">
              {TITLE_PREFIX[deployment.kind]} <span className="font-mono">v{deployment.version}</span>
            </h1>
            <DeploymentStatusBadge status={deployment.status} className="text-sm" />
          </div>
          <p className="mt-1 text-sm text-muted-foreground">
            {app.name} · queued{' '}
            <Timestamp value={deployment.queuedAt} show={(d) => formatRelative(d, new Date(now))} />
            {duration !== null ? <> · {isActive(deployment.status) ? 'running for' : 'took'} {formatDuration(duration)}</> : null} ·{' '}
            {formatNumber(deployment.creditsReserved)} {deployment.creditsReserved === 1 ? 'credit' : 'credits'}
          </p>
        </div>
        <div className="flex shrink-0 flex-wrap items-center gap-2">
          {live ? (
            <Button variant="outline" onClick={() => setCancelling(true)}>
              <Ban aria-hidden="true" />
              Cancel
            </Button>
          ) : null}
          {!live && previousLive ? (
            <Button variant="outline" onClick={() => setRollback(previousLive)}>
              <History aria-hidden="true" />
              Roll back to v{previousLive.version}
            </Button>
          ) : null}
          {!live ? (
            <Button
              variant={deployment.status === 'completed' ? 'outline' : 'default'}
              disabled={!pkg}
              title={pkg ? undefined : 'The package of this deployment was deleted'}
              onClick={() => setRedeploying(true)}
            >
              <RotateCw aria-hidden="true" />
              {deployment.status === 'completed' ? 'Redeploy' : 'Retry'}
            </Button>
          ) : null}
        </div>
      </div>

      <Outcome deployment={deployment} appId={app.id} />

      <div className="mt-6 grid gap-6 lg:grid-cols-[minmax(0,20rem)_minmax(0,1fr)]">
        <Card className="self-start">
          <CardHeader>
            <CardTitle>Progress</CardTitle>
            <CardDescription>
              <span data-testid="steps-done">
                {done} of {total} steps completed
              </span>
            </CardDescription>
            <Progress
              value={done}
              max={total}
              aria-label="Deployment progress"
              valueText={`${done} of ${total} steps completed`}
              className="mt-2"
              indicatorClassName={cn(deployment.status === 'failed' && 'bg-destructive', deployment.status === 'cancelled' && 'bg-amber-500', deployment.status === 'completed' && 'bg-emerald-600')}
            />
          </CardHeader>
          <CardContent>
            <Steps deployment={deployment} now={now} />
          </CardContent>
        </Card>
        <LogPanel events={events} live={live} connection={subscription.status} onReconnect={subscription.reset} />
      </div>

      {pkg && pkg.warnings.length > 0 ? (
        <Card className="mt-6 border-amber-200">
          <CardHeader>
            <CardTitle className="flex items-center gap-2">
              <TriangleAlert className="size-4 text-amber-600" aria-hidden="true" />
              Package warnings
            </CardTitle>
            <CardDescription>The package was accepted, but these points deserve a look.</CardDescription>
          </CardHeader>
          <CardContent>
            <ul className="list-disc space-y-1 pl-5 text-sm" data-testid="package-warnings">
              {pkg.warnings.map((w, i) => (
                <li key={i}>{w}</li>
              ))}
            </ul>
          </CardContent>
        </Card>
      ) : null}

      <CancelDeploymentDialog deployment={cancelling ? { id: deployment.id, version: deployment.version } : null} onClose={() => setCancelling(false)} />
      <RedeployDialog
        deployment={redeploying && pkg ? { id: deployment.id, version: deployment.version, cost: deploymentCost(pkg.size) } : null}
        onClose={() => setRedeploying(false)}
      />
      <RollbackDialog target={rollback} onClose={() => setRollback(null)} />
    </>
  );
}

/**
 * The version that was live before this deployment made its package live: the most recent earlier
 * completed deployment of another package the app still has. Only offered while this deployment's
 * package is the live one.
 */
function usePreviousLiveVersion(deployment: Deployment, app: AppDetail): RollbackTarget | null {
  const trpc = useTRPC();
  const isLiveOne = deployment.status === 'completed' && deployment.packageId !== null && app.activePackageId === deployment.packageId;
  const history = useQuery({ ...trpc.deployments.list.queryOptions({ appId: app.id, status: 'completed', limit: 50 }), enabled: isLiveOne });
  if (!isLiveOne || !history.data) return null;
  const created = new Date(deployment.createdAt).getTime();
  for (const d of history.data) {
    if (d.id === deployment.id || new Date(d.createdAt).getTime() > created) continue;
    if (!d.packageId || d.packageId === deployment.packageId) continue;
    const pkg = app.packages.find((p) => p.id === d.packageId);
    if (pkg) return { appId: app.id, packageId: pkg.id, version: pkg.version, size: pkg.size };
  }
  return null;
}

function Outcome({ deployment, appId }: { deployment: Deployment; appId: string }) {
  const refunded = deployment.creditsReserved;
  const refundText = `${formatNumber(refunded)} ${refunded === 1 ? 'credit' : 'credits'} refunded`;
  let body: React.ReactNode;
  if (deployment.status === 'completed') {
    body = (
      <div className="flex items-start gap-3 rounded-xl border border-emerald-200 bg-emerald-50 px-4 py-3 text-emerald-900" data-testid="deployment-outcome" data-status="completed">
        <CircleCheck className="mt-0.5 size-5 shrink-0 text-emerald-600" aria-hidden="true" />
        <div>
          <p className="font-semibold">Version {deployment.version} is live</p>
          <p className="text-sm">
            Deployed {deployment.completedAt ? formatDateTime(deployment.completedAt) : ''}.{' '}
            <Link to="/apps/$appId" params={{ appId }} className="font-medium underline underline-offset-2">
              Back to the app
            </Link>
          </p>
        </div>
      </div>
    );
  } else if (deployment.status === 'failed') {
    body = (
      <div className="flex items-start gap-3 rounded-xl border border-red-200 bg-red-50 px-4 py-3 text-red-900" data-testid="deployment-outcome" data-status="failed">
        <CircleX className="mt-0.5 size-5 shrink-0 text-destructive" aria-hidden="true" />
        <div className="min-w-0">
          <p className="font-semibold">Deployment failed</p>
          {deployment.error ? <p className="mt-0.5 whitespace-pre-wrap break-words text-sm">{deployment.error}</p> : null}
          <p className="mt-1 text-sm font-medium">{refundText}. The live version did not change.</p>
        </div>
      </div>
    );
  } else if (deployment.status === 'cancelled') {
    body = (
      <div className="flex items-start gap-3 rounded-xl border border-amber-200 bg-amber-50 px-4 py-3 text-amber-900" data-testid="deployment-outcome" data-status="cancelled">
        <XCircle className="mt-0.5 size-5 shrink-0 text-amber-600" aria-hidden="true" />
        <div>
          <p className="font-semibold">Deployment cancelled</p>
          {deployment.error ? <p className="mt-0.5 text-sm">{deployment.error}</p> : null}
          <p className="mt-1 text-sm font-medium">{refundText}.</p>
        </div>
      </div>
    );
  } else {
    const current = deployment.currentStep ? STEP_LABELS[deployment.currentStep] : null;
    body = (
      <div className="flex items-center gap-3 rounded-xl border bg-card px-4 py-3 text-sm text-muted-foreground">
        <span className="relative flex size-2.5" aria-hidden="true">
          <span className="absolute inline-flex size-full animate-ping rounded-full bg-primary opacity-60" />
          <span className="relative inline-flex size-2.5 rounded-full bg-primary" />
        </span>
        {deployment.status === 'queued' ? 'Queued: waiting for a worker to pick it up…' : `Deploying${current ? `: ${current}` : ''}…`}
      </div>
    );
  }
  return (
    <div role="status" aria-live="polite">
      {body}
    </div>
  );
}

const STEP_STATE_TEXT = { pending: 'Pending', processing: 'In progress', completed: 'Completed', failed: 'Failed' } as const;

function Steps({ deployment, now }: { deployment: Deployment; now: number }) {
  const byName = new Map(deployment.steps.map((s) => [s.name, s]));
  return (
    <ol className="grid gap-0" aria-label="Deployment steps">
      {STEP_ORDER.map((name, i) => {
        const step = byName.get(name) ?? { name, status: 'pending' as const, startedAt: null, completedAt: null };
        const ms = elapsed(step.startedAt, step.completedAt, now);
        return (
          <li key={name} className="relative flex gap-3 pb-5 last:pb-0" data-testid={`step-${name}`} data-status={step.status}>
            {i < STEP_ORDER.length - 1 ? (
              <span
                className={cn('absolute left-3.5 top-8 -ml-px h-[calc(100%-2.25rem)] w-0.5', step.status === 'completed' ? 'bg-emerald-600' : 'bg-border')}
                aria-hidden="true"
              />
            ) : null}
            <StepIcon status={step.status} />
            <div className="min-w-0 flex-1 pt-0.5">
              <p className={cn('text-sm font-medium', step.status === 'pending' && 'text-muted-foreground')}>{STEP_LABELS[name]}</p>
              <p className="text-xs text-muted-foreground">
                {STEP_STATE_TEXT[step.status]}
                {ms !== null ? <span className="tabular-nums"> · {formatDuration(ms)}</span> : null}
              </p>
            </div>
          </li>
        );
      })}
    </ol>
  );
}

const LEVEL_CLASSES = { info: 'text-zinc-200', warn: 'text-amber-300', error: 'text-red-400' } as const;
const STEP_SHORT: Record<StepName, string> = {
  validate_package: 'validate',
  upload_to_s3: 'store',
  generate_metadata: 'metadata',
  notify_runtime: 'runtime',
  finalize: 'finalize',
};
const timeFormat = new Intl.DateTimeFormat('en', { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

function LogPanel({
  events,
  live,
  connection,
  onReconnect,
}: {
  events: DeploymentEvent[];
  live: boolean;
  connection: 'idle' | 'connecting' | 'pending' | 'error';
  onReconnect: () => void;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const stickRef = useRef(true);
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (el && stickRef.current) el.scrollTop = el.scrollHeight;
  }, [events.length]);

  return (
    <Card className="flex min-w-0 flex-col overflow-hidden">
      <CardHeader className="flex-row items-center justify-between gap-3 pb-3">
        <div className="grid gap-1.5">
          <CardTitle>Log</CardTitle>
          <CardDescription>Every step and message of this deployment, as it happens.</CardDescription>
        </div>
        {live ? <ConnectionIndicator status={connection} onReconnect={onReconnect} /> : null}
      </CardHeader>
      <div
        ref={scrollRef}
        onScroll={(e) => {
          const el = e.currentTarget;
          stickRef.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
        }}
        role="log"
        aria-label="Deployment log"
        tabIndex={0}
        className="max-h-[28rem] min-h-64 flex-1 overflow-auto bg-zinc-950 px-4 py-3 font-mono text-xs leading-relaxed outline-none focus-visible:ring-2 focus-visible:ring-inset focus-visible:ring-ring"
      >
        {events.length === 0 ? (
          <p className="text-zinc-500">Waiting for the first log lines…</p>
        ) : (
          <ol className="grid gap-0.5">
            {events.map((e) => (
              <li key={e.seq} className="flex gap-3" data-level={e.level}>
                <time className="shrink-0 text-zinc-500" dateTime={new Date(e.createdAt).toISOString()}>
                  {timeFormat.format(new Date(e.createdAt))}
                </time>
                <span className="w-16 shrink-0 truncate text-violet-300" title={e.step ? STEP_LABELS[e.step] : undefined}>
                  {e.step ? STEP_SHORT[e.step] : e.type === 'status' ? 'status' : ''}
                </span>
                <span className={cn('min-w-0 whitespace-pre-wrap break-words', LEVEL_CLASSES[e.level], e.type === 'status' && 'font-semibold')}>
                  {e.level !== 'info' ? <span className="sr-only">{e.level === 'warn' ? 'Warning: ' : 'Error: '}</span> : null}
                  {e.message}
                </span>
              </li>
            ))}
          </ol>
        )}
      </div>
    </Card>
  );
}

function ConnectionIndicator({ status, onReconnect }: { status: 'idle' | 'connecting' | 'pending' | 'error'; onReconnect: () => void }) {
  if (status === 'error') {
    return (
      <div className="flex items-center gap-2 text-xs text-destructive">
        <WifiOff className="size-3.5" aria-hidden="true" />
        Live updates interrupted
        <Button variant="outline" size="sm" onClick={onReconnect}>
          Reconnect
        </Button>
      </div>
    );
  }
  if (status === 'pending') {
    return (
      <span className="inline-flex items-center gap-1.5 text-xs font-medium text-emerald-700">
        <Radio className="size-3.5" aria-hidden="true" />
        Live
      </span>
    );
  }
  return <span className="text-xs text-muted-foreground">Connecting…</span>;
}

function DeploymentSkeleton() {
  return (
    <div role="status" aria-label="Loading deployment">
      <Skeleton className="mb-4 h-4 w-24" />
      <Skeleton className="mb-2 h-8 w-72" />
      <Skeleton className="mb-6 h-4 w-96 max-w-full" />
      <Skeleton className="h-14 rounded-xl" />
      <div className="mt-6 grid gap-6 lg:grid-cols-[20rem_1fr]">
        <Skeleton className="h-80 rounded-xl" />
        <Skeleton className="h-80 rounded-xl" />
      </div>
    </div>
  );
}
