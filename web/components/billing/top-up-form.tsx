// The body of TopUpDialog, loaded the first time the dialog opens: choose a package or a custom
// amount, then go to the checkout (Stripe Checkout, or this app's local checkout page).
import { useQuery } from '@tanstack/react-query';
import { Coins, ShieldCheck } from 'lucide-react';
import { RadioGroup } from 'radix-ui';
import { useId, useState } from 'react';
import type * as React from 'react';
import { errorMessage, fieldErrorsOf } from '../../lib/errors.ts';
import { formatNumber } from '../../lib/format.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { DialogForm } from '../form-dialog.tsx';
import { TextField } from '../text-field.tsx';
import { Skeleton } from '../ui/skeleton.tsx';
import { InlineError } from '../usage/inline-error.tsx';
import { formatMoney } from './billing-data.ts';
import { parseCustomCredits } from './custom-credits.ts';
import { useTopUp } from './use-top-up.ts';

const CUSTOM = 'custom';

export default function TopUpForm() {
  const trpc = useTRPC();
  const offer = useQuery(trpc.billing.packages.queryOptions());
  const groupLabelId = useId();
  const [choice, setChoice] = useState<string | null>(null);
  const [customValue, setCustomValue] = useState('');
  const [customError, setCustomError] = useState<string | undefined>();
  const [formError, setFormError] = useState<string | null>(null);
  const topUp = useTopUp({
    onError: (error) => {
      const fields = fieldErrorsOf(error);
      if (fields.credits) setCustomError(fields.credits);
      else setFormError(errorMessage(error, 'Could not start the checkout. Please try again.'));
      return true;
    },
  });

  if (offer.isPending) {
    return (
      <div className="grid gap-2" role="status" aria-label="Loading credit packages">
        {Array.from({ length: 4 }, (_, i) => (
          <Skeleton key={i} className="h-14 rounded-lg" />
        ))}
      </div>
    );
  }
  if (offer.isError) {
    return <InlineError message="Could not load the credit packages" error={offer.error} onRetry={() => void offer.refetch()} retrying={offer.isFetching} />;
  }

  const { packages, custom, provider } = offer.data;
  const selected = choice ?? packages[0]?.id ?? CUSTOM;
  const pkg = packages.find((p) => p.id === selected);
  const customParsed = selected === CUSTOM ? parseCustomCredits(customValue, custom) : null;
  const total = pkg
    ? formatMoney(pkg.priceCents, pkg.currency)
    : customParsed?.ok
      ? formatMoney(customParsed.credits * custom.priceCentsPerCredit, custom.currency)
      : null;

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setFormError(null);
    if (selected === CUSTOM) {
      const parsed = parseCustomCredits(customValue, custom);
      if (!parsed.ok) {
        setCustomError(parsed.error);
        return;
      }
      topUp.start({ package: CUSTOM, credits: parsed.credits });
    } else {
      topUp.start({ package: selected });
    }
  }

  return (
    <DialogForm
      onSubmit={onSubmit}
      error={formError}
      pending={topUp.busy}
      submitLabel={
        <>
          {topUp.busy ? null : <Coins aria-hidden="true" />}
          Continue to checkout
        </>
      }
      footerStart={
        <p className="text-sm" aria-live="polite">
          {total ? (
            <>
              Total <span className="font-semibold">{total}</span>
            </>
          ) : null}
        </p>
      }
    >
      <div className="grid gap-2">
        <p id={groupLabelId} className="text-sm font-medium">
          Package
        </p>
        <RadioGroup.Root
          value={selected}
          onValueChange={(value) => {
            setChoice(value);
            setCustomError(undefined);
          }}
          aria-labelledby={groupLabelId}
          className="grid gap-2"
          disabled={topUp.busy}
        >
          {packages.map((p) => (
            <PackageOption key={p.id} value={p.id} title={p.name} detail={`${formatNumber(p.credits)} credits`} price={formatMoney(p.priceCents, p.currency)} />
          ))}
          <PackageOption
            value={CUSTOM}
            title="Custom amount"
            detail={`${formatNumber(custom.min)}–${formatNumber(custom.max)} credits at ${formatMoney(custom.priceCentsPerCredit, custom.currency)} each`}
          />
        </RadioGroup.Root>
      </div>
      {selected === CUSTOM ? (
        <TextField
          label="Credits"
          name="credits"
          inputMode="numeric"
          autoComplete="off"
          autoFocus
          value={customValue}
          onChange={(e) => {
            setCustomValue(e.currentTarget.value);
            setCustomError(undefined);
          }}
          placeholder={String(custom.min)}
          error={customError}
          hint={`Between ${formatNumber(custom.min)} and ${formatNumber(custom.max)} credits.`}
        />
      ) : null}
      <p className="flex items-start gap-2 text-xs text-muted-foreground">
        <ShieldCheck className="mt-px size-4 shrink-0" aria-hidden="true" />
        {provider === 'stripe'
          ? 'You will pay on Stripe Checkout and come back here when done.'
          : 'Test mode: the built-in checkout confirms the order without a real payment.'}
      </p>
    </DialogForm>
  );
}

function PackageOption({ value, title, detail, price }: { value: string; title: string; detail: string; price?: string }) {
  const id = useId();
  return (
    <label
      htmlFor={id}
      className="flex cursor-pointer items-center gap-3 rounded-lg border px-3 py-2.5 transition-colors hover:bg-muted/50 has-[[data-state=checked]]:border-primary has-[[data-state=checked]]:bg-accent/60 has-[:disabled]:cursor-not-allowed has-[:disabled]:opacity-60"
    >
      <RadioGroup.Item
        id={id}
        value={value}
        className="flex size-4 shrink-0 items-center justify-center rounded-full border border-input bg-card outline-none focus-visible:ring-2 focus-visible:ring-ring focus-visible:ring-offset-2 data-[state=checked]:border-primary"
      >
        <RadioGroup.Indicator className="block size-2 rounded-full bg-primary" />
      </RadioGroup.Item>
      <span className="min-w-0 flex-1">
        <span className="block text-sm font-medium">{title}</span>
        <span className="block text-xs text-muted-foreground">{detail}</span>
      </span>
      {price ? <span className="text-sm font-semibold tabular-nums">{price}</span> : null}
    </label>
  );
}
