// The local checkout (embedded default, no Stripe): the order with Pay and Cancel. Paying credits
// the organization through the same domain function as Stripe's webhook; either button then returns
// to the billing page like Stripe Checkout would (success_url / cancel_url).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useRouter } from '@tanstack/react-router';
import { ArrowLeft, CheckCircle2, Clock, CreditCard, ExternalLink, Lock, SearchX, XCircle } from 'lucide-react';
import type * as React from 'react';
import { toast } from 'sonner';
import { errorMessage, httpStatusOf } from '../../lib/errors.ts';
import { formatDateTime, formatNumber } from '../../lib/format.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { BrandMark } from '../brand.tsx';
import { EmptyState } from '../empty-state.tsx';
import { ErrorState } from '../error-state.tsx';
import { Badge } from '../ui/badge.tsx';
import { Button } from '../ui/button.tsx';
import { Card, CardContent, CardFooter, CardHeader } from '../ui/card.tsx';
import { Skeleton } from '../ui/skeleton.tsx';
import { formatMoney, pluralCredits, refreshCreditCaches } from './billing-data.ts';

/** Follows a return URL: inside the app when it is on this origin, a full navigation otherwise. */
function useFollowUrl() {
  const router = useRouter();
  return (url: string) => {
    const target = new URL(url, window.location.href);
    if (target.origin === window.location.origin) void router.navigate({ href: target.pathname + target.search, replace: true });
    else window.location.assign(target.href);
  };
}

export function CheckoutView({ sessionId, canPay, organizationName }: { sessionId: string; canPay: boolean; organizationName: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const followUrl = useFollowUrl();
  const session = useQuery({ ...trpc.billing.localCheckout.get.queryOptions({ id: sessionId }), staleTime: 0 });
  const offer = useQuery(trpc.billing.packages.queryOptions());

  const pay = useMutation(
    trpc.billing.localCheckout.pay.mutationOptions({
      onSuccess: async ({ session: paid }) => {
        await refreshCreditCaches(queryClient, trpc);
        followUrl(paid.successUrl);
      },
      onError: (error) => {
        toast.error(errorMessage(error, 'The payment did not go through. Please try again.'));
        void session.refetch();
      },
    }),
  );
  const cancel = useMutation(
    trpc.billing.localCheckout.cancel.mutationOptions({
      onSuccess: async (cancelled) => {
        await queryClient.invalidateQueries({ queryKey: trpc.billing.pathKey() });
        followUrl(cancelled.cancelUrl);
      },
      onError: (error) => {
        toast.error(errorMessage(error, 'Could not cancel the checkout. Please try again.'));
        void session.refetch();
      },
    }),
  );

  if (session.isPending) {
    return (
      <CheckoutFrame>
        <div className="grid gap-4 p-6" role="status" aria-label="Loading checkout">
          <Skeleton className="h-5 w-40" />
          <Skeleton className="h-16" />
          <Skeleton className="h-10" />
        </div>
      </CheckoutFrame>
    );
  }
  if (session.isError) {
    if (httpStatusOf(session.error) === 404) {
      return (
        <EmptyState icon={SearchX} title="Checkout not found" description="This checkout does not exist or belongs to another organization." className="mx-auto max-w-lg">
          <Button asChild variant="outline">
            <Link to="/billing">Back to billing</Link>
          </Button>
        </EmptyState>
      );
    }
    return <ErrorState title="Could not load the checkout" error={session.error} onRetry={() => void session.refetch()} retrying={session.isFetching} className="mx-auto max-w-lg" />;
  }

  const s = session.data;
  const packageName = s.package === 'custom' ? 'Custom amount' : (offer.data?.packages.find((p) => p.id === s.package)?.name ?? s.package);
  const amount = formatMoney(s.amountCents, s.currency);
  const busy = pay.isPending || cancel.isPending || pay.isSuccess || cancel.isSuccess;

  return (
    <CheckoutFrame testMode={s.provider === 'local'}>
      <CardContent className="grid gap-5 pt-6">
        <div>
          <p className="text-sm text-muted-foreground">Pay {organizationName}</p>
          <p className="mt-1 text-3xl font-semibold tracking-tight tabular-nums" data-testid="checkout-amount">
            {amount}
          </p>
        </div>
        <dl className="grid gap-3 rounded-lg border bg-muted/40 p-4 text-sm">
          <div className="flex items-start justify-between gap-4">
            <dt className="text-muted-foreground">Package</dt>
            <dd className="font-medium">{packageName}</dd>
          </div>
          <div className="flex items-start justify-between gap-4">
            <dt className="text-muted-foreground">Credits</dt>
            <dd className="font-medium tabular-nums" data-testid="checkout-credits">
              {formatNumber(s.credits)} {pluralCredits(s.credits)}
            </dd>
          </div>
          <div className="flex items-start justify-between gap-4 border-t pt-3">
            <dt className="font-medium">Total due</dt>
            <dd className="font-semibold tabular-nums">{amount}</dd>
          </div>
        </dl>
        <CheckoutStatus status={s.status} completedAt={s.completedAt} expiresAt={s.expiresAt} />
      </CardContent>
      <CardFooter className="flex-col items-stretch gap-2 py-4">
        {s.status === 'open' && s.payable ? (
          <>
            <Button size="lg" onClick={() => pay.mutate({ id: s.id })} pending={pay.isPending || pay.isSuccess} disabled={!canPay || busy}>
              {pay.isPending || pay.isSuccess ? null : <CreditCard aria-hidden="true" />}
              Pay {amount}
            </Button>
            <Button variant="ghost" onClick={() => cancel.mutate({ id: s.id })} pending={cancel.isPending || cancel.isSuccess} disabled={!canPay || busy}>
              Cancel and return
            </Button>
            {!canPay ? <p className="text-center text-xs text-muted-foreground">Only owners and admins can pay for credits.</p> : null}
          </>
        ) : s.status === 'open' && s.provider === 'stripe' ? (
          <Button asChild size="lg">
            <a href={s.url}>
              Continue on Stripe <ExternalLink aria-hidden="true" />
            </a>
          </Button>
        ) : s.status === 'completed' ? (
          <Button asChild>
            <Link to="/billing" search={{ checkout: 'success', session_id: s.id }}>
              Back to billing
            </Link>
          </Button>
        ) : (
          <Button asChild variant="outline">
            <Link to="/billing">
              <ArrowLeft aria-hidden="true" />
              Back to billing
            </Link>
          </Button>
        )}
      </CardFooter>
    </CheckoutFrame>
  );
}

function CheckoutStatus({ status, completedAt, expiresAt }: { status: string; completedAt: Date | null; expiresAt: Date }) {
  if (status === 'open') {
    return (
      <p className="flex items-center gap-2 text-xs text-muted-foreground">
        <Clock className="size-3.5" aria-hidden="true" />
        This checkout expires {formatDateTime(expiresAt)}.
      </p>
    );
  }
  if (status === 'completed') {
    return (
      <p role="status" className="flex items-center gap-2 rounded-lg border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-900">
        <CheckCircle2 className="size-4 text-emerald-600" aria-hidden="true" />
        Paid{completedAt ? ` on ${formatDateTime(completedAt)}` : ''}. The credits are in your balance.
      </p>
    );
  }
  return (
    <p role="status" className="flex items-center gap-2 rounded-lg border px-3 py-2 text-sm">
      <XCircle className="size-4 text-muted-foreground" aria-hidden="true" />
      {status === 'expired' ? 'This checkout has expired. Start a new top-up from the billing page.' : 'This checkout was cancelled. No payment was taken.'}
    </p>
  );
}

function CheckoutFrame({ children, testMode = false }: { children: React.ReactNode; testMode?: boolean }) {
  return (
    <div className="mx-auto w-full max-w-md">
      <Card className="overflow-hidden">
        <CardHeader className="flex-row items-center justify-between gap-3 border-b bg-muted/40 py-4">
          <span className="inline-flex items-center gap-2 text-sm font-semibold">
            <BrandMark className="size-6" />
            Checkout
          </span>
          {testMode ? <Badge variant="warning">Test mode</Badge> : null}
        </CardHeader>
        {children}
      </Card>
      <p className="mt-4 flex items-center justify-center gap-1.5 text-xs text-muted-foreground">
        <Lock className="size-3" aria-hidden="true" />
        {testMode ? 'Built-in checkout: no card is charged.' : 'Payments are processed securely.'}
      </p>
    </div>
  );
}
