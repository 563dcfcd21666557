// The credit balance with this month's usage, the last top-up and a Top up button (owners and
// admins; members see where billing lives).
import { Link } from '@tanstack/react-router';
import { ArrowRight, Coins, Plus } from 'lucide-react';
import { formatDate, formatNumber } from '../../lib/format.ts';
import { cn } from '../../lib/utils.ts';
import { Badge } from '../ui/badge.tsx';
import { Button } from '../ui/button.tsx';
import { Card, CardContent, CardDescription, CardHeader } from '../ui/card.tsx';
import { Skeleton } from '../ui/skeleton.tsx';
import { InlineError } from '../usage/inline-error.tsx';
import { pluralCredits, useBalance } from './billing-data.ts';

export function BalanceCard({
  canTopUp,
  onTopUp,
  showBillingLink = false,
  className,
}: {
  canTopUp: boolean;
  onTopUp: () => void;
  showBillingLink?: boolean;
  className?: string;
}) {
  const balance = useBalance();
  return (
    <Card className={cn('flex flex-col', className)}>
      <CardHeader className="flex-row items-center justify-between pb-2">
        <CardDescription className="font-medium">Credit balance</CardDescription>
        <Coins className="size-4 text-muted-foreground" aria-hidden="true" />
      </CardHeader>
      <CardContent className="flex flex-1 flex-col">
        {balance.isPending ? (
          <div role="status" aria-label="Loading balance" className="grid gap-2">
            <Skeleton className="h-9 w-28" />
            <Skeleton className="h-3 w-40" />
          </div>
        ) : balance.isError ? (
          <InlineError message="Could not load the balance" error={balance.error} onRetry={() => void balance.refetch()} retrying={balance.isFetching} />
        ) : (
          <>
            <div className="flex flex-wrap items-baseline gap-x-2 gap-y-1">
              <p className="text-3xl font-semibold tabular-nums tracking-tight" data-testid="credit-balance">
                {formatNumber(balance.data.credits)}
              </p>
              <span className="text-sm text-muted-foreground">{pluralCredits(balance.data.credits)}</span>
              {balance.data.lowBalance ? <Badge variant="warning">Low balance</Badge> : null}
            </div>
            <dl className="mt-3 grid gap-1 text-xs text-muted-foreground">
              <div className="flex gap-1">
                <dt>Used this month:</dt>
                <dd className="font-medium text-foreground tabular-nums" data-testid="usage-this-month">
                  {formatNumber(balance.data.usageThisMonth)} {pluralCredits(balance.data.usageThisMonth)}
                </dd>
              </div>
              <div className="flex gap-1">
                <dt>Last top-up:</dt>
                <dd className="font-medium text-foreground">{balance.data.lastToppedUp ? formatDate(balance.data.lastToppedUp) : 'Never'}</dd>
              </div>
            </dl>
          </>
        )}
        <div className="mt-auto flex flex-wrap items-center gap-x-4 gap-y-2 pt-4">
          {canTopUp ? (
            <Button size="sm" onClick={onTopUp}>
              <Plus aria-hidden="true" />
              Top up
            </Button>
          ) : (
            <p className="text-xs text-muted-foreground">Owners and admins can buy credits.</p>
          )}
          {showBillingLink ? (
            <Button asChild variant="link" size="sm">
              <Link to="/billing">
                View billing <ArrowRight aria-hidden="true" />
              </Link>
            </Button>
          ) : null}
        </div>
      </CardContent>
    </Card>
  );
}
