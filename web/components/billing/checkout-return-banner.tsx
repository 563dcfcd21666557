// Where the checkout sends the buyer back: /billing?checkout=success&session_id=… or
// ?checkout=cancelled. On success the session is read (and, while the payment is still being
// confirmed — Stripe's webhook can arrive after the redirect — polled) and the balance refetched.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { CheckCircle2, Loader2, X, XCircle } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import type * as React from 'react';
import { formatNumber } from '../../lib/format.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { cn } from '../../lib/utils.ts';
import { Button } from '../ui/button.tsx';
import { pluralCredits, refreshCreditCaches, useBalance } from './billing-data.ts';

/** How long to wait for a payment confirmation before telling the buyer to check back later. */
const CONFIRM_POLL_MS = 2000;
const CONFIRM_WAIT_MS = 60_000;

export function CheckoutReturnBanner({
  checkout,
  sessionId,
  onDismiss,
}: {
  checkout: 'success' | 'cancelled';
  sessionId: string | undefined;
  onDismiss: () => void;
}) {
  if (checkout === 'cancelled') {
    return (
      <Banner tone="neutral" icon={<XCircle className="size-5 text-muted-foreground" aria-hidden="true" />} onDismiss={onDismiss} testId="checkout-cancelled">
        <p className="font-medium">Checkout cancelled</p>
        <p className="text-xs text-muted-foreground">No payment was taken and your balance is unchanged.</p>
      </Banner>
    );
  }
  return sessionId ? <SuccessBanner sessionId={sessionId} onDismiss={onDismiss} /> : <GenericSuccess onDismiss={onDismiss} />;
}

function GenericSuccess({ onDismiss }: { onDismiss: () => void }) {
  return (
    <Banner tone="success" icon={<CheckCircle2 className="size-5 text-emerald-600" aria-hidden="true" />} onDismiss={onDismiss} testId="checkout-success">
      <p className="font-medium">Payment received</p>
      <p className="text-xs">Your credits are added as soon as the payment is confirmed.</p>
    </Banner>
  );
}

function SuccessBanner({ sessionId, onDismiss }: { sessionId: string; onDismiss: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const balance = useBalance();
  const [since] = useState(() => Date.now());
  const session = useQuery({
    ...trpc.billing.localCheckout.get.queryOptions({ id: sessionId }),
    staleTime: 0,
    refetchInterval: (q) => (q.state.data?.status === 'open' && q.state.dataUpdatedAt - since < CONFIRM_WAIT_MS ? CONFIRM_POLL_MS : false),
  });
  const status = session.data?.status;
  const waitedTooLong = session.data !== undefined && session.dataUpdatedAt - since >= CONFIRM_WAIT_MS;

  // Once the purchase is in, everything showing the balance or the ledger is refreshed.
  const refreshedFor = useRef<string | null>(null);
  useEffect(() => {
    if (status === 'completed' && refreshedFor.current !== sessionId) {
      refreshedFor.current = sessionId;
      void refreshCreditCaches(queryClient, trpc);
    }
  }, [status, sessionId, queryClient, trpc]);

  if (session.isError) {
    return <GenericSuccess onDismiss={onDismiss} />;
  }
  if (!session.data || status === 'open') {
    return (
      <Banner tone="info" icon={<Loader2 className="size-5 animate-spin text-primary" aria-hidden="true" />} onDismiss={onDismiss} testId="checkout-confirming">
        <p className="font-medium">Confirming your payment…</p>
        <p className="text-xs text-muted-foreground">
          {waitedTooLong
            ? 'This is taking longer than usual. Your credits will appear here once the payment is confirmed.'
            : 'Your credits will be added in a moment.'}
        </p>
      </Banner>
    );
  }
  if (status === 'completed') {
    const credits = session.data.credits;
    return (
      <Banner tone="success" icon={<CheckCircle2 className="size-5 text-emerald-600" aria-hidden="true" />} onDismiss={onDismiss} testId="checkout-success">
        <p className="font-medium">
          Payment received: {formatNumber(credits)} {pluralCredits(credits)} added
        </p>
        <p className="text-xs">
          {balance.data && !balance.isFetching ? (
            <>
              Your balance is now <span className="font-semibold">{formatNumber(balance.data.credits)}</span> {pluralCredits(balance.data.credits)}.
            </>
          ) : (
            'Updating your balance…'
          )}
        </p>
      </Banner>
    );
  }
  return (
    <Banner tone="neutral" icon={<XCircle className="size-5 text-muted-foreground" aria-hidden="true" />} onDismiss={onDismiss} testId="checkout-cancelled">
      <p className="font-medium">This checkout was {status}</p>
      <p className="text-xs text-muted-foreground">No credits were added. Start a new top-up below.</p>
    </Banner>
  );
}

function Banner({
  tone,
  icon,
  onDismiss,
  testId,
  children,
}: {
  tone: 'success' | 'neutral' | 'info';
  icon: React.ReactNode;
  onDismiss: () => void;
  testId: string;
  children: React.ReactNode;
}) {
  return (
    <div
      role="status"
      data-testid={testId}
      className={cn(
        'mb-6 flex items-start gap-3 rounded-xl border px-4 py-3 text-sm',
        tone === 'success' && 'border-emerald-200 bg-emerald-50 text-emerald-900',
        tone === 'neutral' && 'border-border bg-card',
        tone === 'info' && 'border-violet-200 bg-accent',
      )}
    >
      <span className="mt-px shrink-0">{icon}</span>
      <div className="min-w-0 flex-1">{children}</div>
      <Button variant="ghost" size="icon-sm" className="-my-1 -mr-2 shrink-0" onClick={onDismiss} aria-label="Dismiss">
        <X aria-hidden="true" />
      </Button>
    </div>
  );
}
