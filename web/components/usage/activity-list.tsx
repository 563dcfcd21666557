// Recent activity of the organization: invocations, package uploads, deployments, credit purchases.
import { useQuery } from '@tanstack/react-query';
import { Activity, Coins, Package, Rocket, Zap, type LucideIcon } from 'lucide-react';
import { formatDateTime, formatNumber, formatRelative } from '../../lib/format.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { useNow } from '../../lib/use-now.ts';
import { cn } from '../../lib/utils.ts';
import { Badge } from '../ui/badge.tsx';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../ui/card.tsx';
import { Skeleton } from '../ui/skeleton.tsx';
import { InlineError } from './inline-error.tsx';

const ICONS: Record<string, LucideIcon> = { invocation: Zap, package_upload: Package, deployment: Rocket, credit_purchase: Coins };
const ICON_STYLES: Record<string, string> = {
  invocation: 'bg-accent text-accent-foreground',
  package_upload: 'bg-sky-50 text-sky-700',
  deployment: 'bg-zinc-100 text-zinc-700',
  credit_purchase: 'bg-emerald-50 text-emerald-700',
};
const DEPLOYMENT_BADGE = { completed: 'success', failed: 'destructive', cancelled: 'secondary' } as const;

export function ActivityList({ limit = 8 }: { limit?: number }) {
  const trpc = useTRPC();
  const activity = useQuery(trpc.usage.activity.queryOptions({ limit }));
  // Relative times ("3 minutes ago") move on while the page stays open.
  const now = useNow(60_000);

  return (
    <Card className="flex flex-col">
      <CardHeader>
        <CardTitle>Recent activity</CardTitle>
        <CardDescription>Invocations, uploads, deployments and purchases.</CardDescription>
      </CardHeader>
      <CardContent className="flex-1">
        {activity.isPending ? (
          <ul className="grid gap-4" role="status" aria-label="Loading recent activity">
            {Array.from({ length: 5 }, (_, i) => (
              <li key={i} className="flex items-center gap-3">
                <Skeleton className="size-8 rounded-full" />
                <div className="grid flex-1 gap-1.5">
                  <Skeleton className="h-3.5 w-3/4" />
                  <Skeleton className="h-3 w-1/3" />
                </div>
              </li>
            ))}
          </ul>
        ) : activity.isError ? (
          <InlineError message="Could not load recent activity" error={activity.error} onRetry={() => void activity.refetch()} retrying={activity.isFetching} />
        ) : activity.data.length === 0 ? (
          <div className="flex h-full min-h-40 flex-col items-center justify-center rounded-lg border border-dashed px-4 py-8 text-center">
            <Activity className="mb-2 size-5 text-muted-foreground" aria-hidden="true" />
            <p className="font-medium">No activity yet</p>
            <p className="mt-1 text-xs text-muted-foreground">Deploy an agent and its invocations will show up here.</p>
          </div>
        ) : (
          <ul className="grid gap-4" aria-label="Recent activity" data-testid="activity-list">
            {activity.data.map((event) => {
              const Icon = ICONS[event.type] ?? Activity;
              const purchase = event.type === 'credit_purchase';
              return (
                <li key={`${event.type}-${event.id}`} className="flex items-start gap-3">
                  <span className={cn('flex size-8 shrink-0 items-center justify-center rounded-full', ICON_STYLES[event.type] ?? 'bg-muted')}>
                    <Icon className="size-4" aria-hidden="true" />
                  </span>
                  <div className="min-w-0 flex-1">
                    <p className="flex flex-wrap items-center gap-x-2 gap-y-1 text-sm">
                      <span className="break-words">{event.description}</span>
                      {event.type === 'deployment' && event.status ? (
                        <Badge variant={DEPLOYMENT_BADGE[event.status as keyof typeof DEPLOYMENT_BADGE] ?? 'secondary'}>{event.status}</Badge>
                      ) : null}
                    </p>
                    <time className="text-xs text-muted-foreground" dateTime={new Date(event.timestamp).toISOString()} title={formatDateTime(event.timestamp)}>
                      {formatRelative(event.timestamp, new Date(now))}
                    </time>
                  </div>
                  {event.value !== undefined && (event.value > 0 || purchase) ? (
                    <span className={cn('shrink-0 text-xs font-medium tabular-nums', purchase ? 'text-emerald-700' : 'text-muted-foreground')}>
                      {purchase ? '+' : '−'}
                      {formatNumber(event.value)} {event.value === 1 ? 'credit' : 'credits'}
                    </span>
                  ) : null}
                </li>
              );
            })}
          </ul>
        )}
      </CardContent>
    </Card>
  );
}
