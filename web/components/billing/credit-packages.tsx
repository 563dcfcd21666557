// The billing page's offer: one card per configured package and a custom amount, each going straight
// to the checkout.
import { useQuery } from '@tanstack/react-query';
import { ShieldCheck, Sparkles } from 'lucide-react';
import { useState } from 'react';
import type * as React from 'react';
import { fieldErrorsOf } from '../../lib/errors.ts';
import { formatNumber } from '../../lib/format.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { TextField } from '../text-field.tsx';
import { Badge } from '../ui/badge.tsx';
import { Button } from '../ui/button.tsx';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../ui/card.tsx';
import { Skeleton } from '../ui/skeleton.tsx';
import { InlineError } from '../usage/inline-error.tsx';
import { formatMoney } from './billing-data.ts';
import { parseCustomCredits } from './custom-credits.ts';
import { useTopUp } from './use-top-up.ts';

const CUSTOM = 'custom';

export function CreditPackages({ canBuy }: { canBuy: boolean }) {
  const trpc = useTRPC();
  const offer = useQuery(trpc.billing.packages.queryOptions());
  const [customValue, setCustomValue] = useState('');
  const [customError, setCustomError] = useState<string | undefined>();
  const topUp = useTopUp({
    onError: (error) => {
      const fields = fieldErrorsOf(error);
      if (fields.credits) {
        setCustomError(fields.credits);
        return true;
      }
      return false;
    },
  });

  if (offer.isPending) {
    return (
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4" role="status" aria-label="Loading credit packages">
        {Array.from({ length: 4 }, (_, i) => (
          <Skeleton key={i} className="h-52 rounded-xl" />
        ))}
      </div>
    );
  }
  if (offer.isError) {
    return <InlineError message="Could not load the credit packages" error={offer.error} onRetry={() => void offer.refetch()} retrying={offer.isFetching} />;
  }

  const { packages, custom, provider } = offer.data;
  // The package with the lowest price per credit gets a "Best value" badge (when there is a choice).
  const bestValue =
    packages.length > 1 ? packages.reduce((best, p) => (p.priceCents / p.credits < best.priceCents / best.credits ? p : best), packages[0]).id : null;
  const customParsed = parseCustomCredits(customValue, custom);
  const isActive = (pkg: string) => topUp.active?.package === pkg;

  function buyCustom(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = parseCustomCredits(customValue, custom);
    if (!parsed.ok) {
      setCustomError(parsed.error);
      return;
    }
    topUp.start({ package: CUSTOM, credits: parsed.credits });
  }

  return (
    <div className="grid gap-3">
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        {packages.map((p) => (
          <Card key={p.id} className="flex flex-col" data-testid={`package-${p.id}`}>
            <CardHeader className="pb-3">
              <div className="flex items-center justify-between gap-2">
                <CardTitle>{p.name}</CardTitle>
                {p.id === bestValue ? (
                  <Badge variant="accent">
                    <Sparkles aria-hidden="true" />
                    Best value
                  </Badge>
                ) : null}
              </div>
              <CardDescription>{formatNumber(p.credits)} credits</CardDescription>
            </CardHeader>
            <CardContent className="flex flex-1 flex-col gap-4">
              <div>
                <p className="text-2xl font-semibold tabular-nums tracking-tight">{formatMoney(p.priceCents, p.currency)}</p>
                <p className="text-xs text-muted-foreground">{formatMoney(Math.round((p.priceCents / p.credits) * 100), p.currency)} per 100 credits</p>
              </div>
              <Button
                className="mt-auto w-full"
                variant={p.id === bestValue ? 'default' : 'outline'}
                disabled={!canBuy || (topUp.busy && !isActive(p.id))}
                pending={isActive(p.id)}
                onClick={() => topUp.start({ package: p.id })}
              >
                Buy {p.name}
              </Button>
            </CardContent>
          </Card>
        ))}
        <Card className="flex flex-col" data-testid="package-custom">
          <CardHeader className="pb-3">
            <CardTitle>Custom</CardTitle>
            <CardDescription>Any amount, {formatMoney(custom.priceCentsPerCredit * 100, custom.currency)} per 100 credits</CardDescription>
          </CardHeader>
          <CardContent className="flex flex-1 flex-col">
            <form noValidate onSubmit={buyCustom} className="flex flex-1 flex-col gap-4">
              <TextField
                label="Credits"
                name="credits"
                inputMode="numeric"
                autoComplete="off"
                placeholder={String(custom.min)}
                value={customValue}
                disabled={!canBuy}
                onChange={(e) => {
                  setCustomValue(e.currentTarget.value);
                  setCustomError(undefined);
                }}
                error={customError}
                hint={`${formatNumber(custom.min)} to ${formatNumber(custom.max)}`}
              />
              <Button
                type="submit"
                className="mt-auto w-full"
                variant="outline"
                disabled={!canBuy || (topUp.busy && !isActive(CUSTOM))}
                pending={isActive(CUSTOM)}
              >
                {customParsed.ok ? `Buy ${formatNumber(customParsed.credits)} credits` : 'Buy credits'}
              </Button>
            </form>
          </CardContent>
        </Card>
      </div>
      <p className="flex items-center gap-2 text-xs text-muted-foreground">
        <ShieldCheck className="size-4 shrink-0" aria-hidden="true" />
        {!canBuy
          ? 'Only owners and admins of this organization can buy credits.'
          : provider === 'stripe'
            ? 'Payments are processed by Stripe Checkout. Credits are added as soon as the payment is confirmed.'
            : 'Test mode: the built-in checkout confirms orders without a real payment.'}
      </p>
    </div>
  );
}
