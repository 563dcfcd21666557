import { useSuspenseQuery } from '@tanstack/react-query';
import { createFileRoute, useNavigate } from '@tanstack/react-router';
import { useRef } from 'react';
import { z } from 'zod/mini';
import { BalanceCard } from '../../../components/billing/balance-card.tsx';
import { CheckoutReturnBanner } from '../../../components/billing/checkout-return-banner.tsx';
import { CreditsExplainer } from '../../../components/billing/credits-explainer.tsx';
import { CreditPackages } from '../../../components/billing/credit-packages.tsx';
import { LowBalanceBanner } from '../../../components/billing/low-balance-banner.tsx';
import { TRANSACTION_TYPES } from '../../../components/billing/billing-data.ts';
import { TransactionsTable } from '../../../components/billing/transactions-table.tsx';
import { PageHeader } from '../../../components/page-header.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { Skeleton } from '../../../components/ui/skeleton.tsx';
import { canManageOrganization } from '../../../lib/permissions.ts';
import { optionalParam } from '../../../lib/search-params.ts';
import { useTRPC } from '../../../lib/trpc.ts';

const searchSchema = z.object({
  /** Set by the checkout's return URLs. */
  checkout: optionalParam(z.enum(['success', 'cancelled'])),
  session_id: optionalParam(z.string().check(z.regex(/^cs_[A-Za-z0-9_]{1,250}$/))),
  type: optionalParam(z.enum(TRANSACTION_TYPES)),
});

export const Route = createFileRoute('/_app/billing/')({
  validateSearch: searchSchema,
  loader: ({ context }) => {
    const { queryClient, trpc } = context;
    void queryClient.prefetchQuery(trpc.billing.packages.queryOptions());
    return queryClient.ensureQueryData(trpc.org.current.queryOptions());
  },
  head: () => ({ meta: [{ title: 'Billing · Pixell Agent Cloud' }] }),
  pendingComponent: BillingSkeleton,
  component: BillingPage,
});

function BillingPage() {
  const trpc = useTRPC();
  const navigate = useNavigate({ from: Route.fullPath });
  const search = Route.useSearch();
  const { data: current } = useSuspenseQuery(trpc.org.current.queryOptions());
  const canBuy = canManageOrganization(current.role);
  const buyHeading = useRef<HTMLHeadingElement>(null);

  const goToPackages = () => {
    buyHeading.current?.scrollIntoView({ behavior: 'smooth', block: 'start' });
    buyHeading.current?.focus({ preventScroll: true });
  };

  return (
    <>
      <PageHeader title="Billing" description="Credits pay for deployments and agent runs. Buy more at any time; they never expire." />
      {search.checkout ? (
        <CheckoutReturnBanner
          key={search.session_id ?? search.checkout}
          checkout={search.checkout}
          sessionId={search.session_id}
          onDismiss={() => void navigate({ search: (prev) => ({ ...prev, checkout: undefined, session_id: undefined }), replace: true })}
        />
      ) : null}
      <LowBalanceBanner
        action={
          canBuy ? (
            <Button size="sm" variant="outline" className="border-amber-300 bg-white" onClick={goToPackages}>
              Buy credits
            </Button>
          ) : null
        }
      />

      <div className="grid gap-4 md:grid-cols-3">
        <BalanceCard canTopUp={canBuy} onTopUp={goToPackages} />
        <CreditsExplainer className="md:col-span-2" />
      </div>

      <section aria-labelledby="buy-credits" className="mt-10">
        <h2 id="buy-credits" ref={buyHeading} tabIndex={-1} className="mb-1 scroll-mt-6 text-lg font-semibold tracking-tight outline-none">
          Buy credits
        </h2>
        <p className="mb-4 text-sm text-muted-foreground">Pick a package or any amount; you pay once, no subscription.</p>
        <CreditPackages canBuy={canBuy} />
      </section>

      <section aria-label="Transactions" className="mt-10">
        <TransactionsTable type={search.type} onTypeChange={(type) => void navigate({ search: (prev) => ({ ...prev, type }), replace: true })} />
      </section>
    </>
  );
}

function BillingSkeleton() {
  return (
    <div role="status" aria-label="Loading billing">
      <Skeleton className="mb-2 h-8 w-40" />
      <Skeleton className="mb-8 h-4 w-96 max-w-full" />
      <Skeleton className="h-52 max-w-sm rounded-xl" />
      <Skeleton className="mb-4 mt-10 h-6 w-32" />
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        {Array.from({ length: 4 }, (_, i) => (
          <Skeleton key={i} className="h-52 rounded-xl" />
        ))}
      </div>
    </div>
  );
}
