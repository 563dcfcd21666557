import { useSuspenseQuery } from '@tanstack/react-query';
import { createFileRoute } from '@tanstack/react-router';
import { Coins, Receipt } from 'lucide-react';
import { EmptyState } from '../../components/empty-state.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { Card, CardContent, CardDescription, CardHeader } from '../../components/ui/card.tsx';
import { Skeleton } from '../../components/ui/skeleton.tsx';
import { formatNumber } from '../../lib/format.ts';
import { useTRPC } from '../../lib/trpc.ts';

export const Route = createFileRoute('/_app/billing')({
  loader: ({ context }) => context.queryClient.ensureQueryData(context.trpc.org.current.queryOptions()),
  head: () => ({ meta: [{ title: 'Billing · Pixell Agent Cloud' }] }),
  pendingComponent: () => (
    <div role="status" aria-label="Loading billing">
      <Skeleton className="mb-8 h-8 w-40" />
      <Skeleton className="h-32 max-w-sm rounded-xl" />
    </div>
  ),
  component: BillingPage,
});

function BillingPage() {
  const trpc = useTRPC();
  const { data } = useSuspenseQuery(trpc.org.current.queryOptions());
  return (
    <>
      <PageHeader title="Billing" description="Credits pay for deployments and agent runs." />
      <Card className="mb-6 max-w-sm">
        <CardHeader className="flex-row items-center justify-between pb-2">
          <CardDescription className="font-medium">Credit balance</CardDescription>
          <Coins className="size-4 text-muted-foreground" aria-hidden="true" />
        </CardHeader>
        <CardContent>
          <p className="text-3xl font-semibold tracking-tight">{formatNumber(data.organization.credits)}</p>
          <p className="mt-1 text-xs text-muted-foreground">credits</p>
        </CardContent>
      </Card>
      <EmptyState
        icon={Receipt}
        title="Credit history is on its way"
        description="Top-ups, reservations, refunds and usage charges will be listed here as a ledger, and you will be able to buy more credits."
      />
    </>
  );
}
