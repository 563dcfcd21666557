// Starting a top-up: the server opens a Checkout Session (Stripe, or the local checkout page of this
// app) and the browser goes to its URL. Nothing is credited until the session is paid.
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { toast } from 'sonner';
import { errorMessage } from '../../lib/errors.ts';
import { useTRPC } from '../../lib/trpc.ts';

export type TopUpRequest = { package: string; credits?: number };

export function useTopUp(options: { onError?: (error: unknown) => boolean | void } = {}) {
  const trpc = useTRPC();
  /** The request being redirected to checkout (buttons stay busy until the page unloads). */
  const [redirecting, setRedirecting] = useState<TopUpRequest | null>(null);
  const mutation = useMutation(
    trpc.billing.topup.mutationOptions({
      onSuccess: ({ sessionUrl }, variables) => {
        setRedirecting({ package: variables.package ?? 'custom', credits: variables.credits });
        window.location.assign(sessionUrl);
      },
      onError: (error) => {
        // The caller may show the error itself (field errors); otherwise a toast.
        if (options.onError?.(error) !== true) toast.error(errorMessage(error, 'Could not start the checkout. Please try again.'));
      },
    }),
  );
  const start = (request: TopUpRequest) => mutation.mutate(request);
  const busy = mutation.isPending || redirecting !== null;
  /** The request currently starting (mutation in flight or redirecting). */
  const active: TopUpRequest | null = redirecting ?? (mutation.isPending && mutation.variables ? { package: mutation.variables.package ?? 'custom', credits: mutation.variables.credits } : null);
  return { start, busy, active, error: mutation.error };
}
