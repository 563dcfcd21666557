// The four usage metrics of the last 30 days, each with its change against the 30 days before.
import { useQuery } from '@tanstack/react-query';
import { ArrowDownRight, ArrowUpRight, Coins, Minus, Package, Webhook, Zap, type LucideIcon } from 'lucide-react';
import { formatNumber } from '../../lib/format.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { cn } from '../../lib/utils.ts';
import { Card, CardContent, CardDescription, CardHeader } from '../ui/card.tsx';
import { Skeleton } from '../ui/skeleton.tsx';
import { InlineError } from './inline-error.tsx';

type Metric = { key: string; label: string; icon: LucideIcon; value: number; change: number };

export function MetricCards({ className = 'grid-cols-2 lg:grid-cols-4' }: { className?: string }) {
  const trpc = useTRPC();
  const metrics = useQuery(trpc.usage.metrics.queryOptions());

  if (metrics.isPending) {
    return (
      <div className={cn('grid gap-4', className)} role="status" aria-label="Loading usage metrics">
        {Array.from({ length: 4 }, (_, i) => (
          <Skeleton key={i} className="h-[118px] rounded-xl" />
        ))}
      </div>
    );
  }
  if (metrics.isError) {
    return <InlineError message="Could not load usage metrics" error={metrics.error} onRetry={() => void metrics.refetch()} retrying={metrics.isFetching} />;
  }

  const m = metrics.data;
  const items: Metric[] = [
    { key: 'invocations', label: 'Invocations', icon: Zap, value: m.invocations, change: m.invocationsChange },
    { key: 'packages', label: 'Packages uploaded', icon: Package, value: m.packagesUploaded, change: m.packagesChange },
    { key: 'api-calls', label: 'API calls', icon: Webhook, value: m.apiCalls, change: m.apiCallsChange },
    { key: 'credits', label: 'Credits used', icon: Coins, value: m.creditsUsed, change: m.creditsChange },
  ];
  return (
    <section aria-label="Usage in the last 30 days" className={cn('grid gap-4', className)}>
      {items.map((item) => (
        <MetricCard key={item.key} metric={item} />
      ))}
    </section>
  );
}

function MetricCard({ metric }: { metric: Metric }) {
  const Icon = metric.icon;
  return (
    <Card data-testid={`metric-${metric.key}`}>
      <CardHeader className="flex-row items-center justify-between pb-2">
        <CardDescription className="font-medium">{metric.label}</CardDescription>
        <Icon className="size-4 text-muted-foreground" aria-hidden="true" />
      </CardHeader>
      <CardContent>
        <p className="text-2xl font-semibold tabular-nums tracking-tight" data-testid={`metric-${metric.key}-value`}>
          {formatNumber(metric.value)}
        </p>
        <ChangeIndicator change={metric.change} />
      </CardContent>
    </Card>
  );
}

const percentFormat = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });

export function ChangeIndicator({ change }: { change: number }) {
  const direction = change > 0 ? 'up' : change < 0 ? 'down' : 'flat';
  const Icon = direction === 'up' ? ArrowUpRight : direction === 'down' ? ArrowDownRight : Minus;
  const text = direction === 'flat' ? 'No change' : `${percentFormat.format(Math.abs(change))}%`;
  return (
    <p className="mt-1 flex flex-wrap items-center gap-x-1 text-xs text-muted-foreground">
      <span
        className={cn(
          'inline-flex items-center gap-0.5 whitespace-nowrap font-medium',
          direction === 'up' && 'text-emerald-700',
          direction === 'down' && 'text-red-700',
        )}
      >
        <Icon className="size-3.5" aria-hidden="true" />
        {direction === 'flat' ? null : <span className="sr-only">{direction === 'up' ? 'Up ' : 'Down '}</span>}
        {text}
      </span>
      <span className="whitespace-nowrap">vs previous 30 days</span>
    </p>
  );
}
