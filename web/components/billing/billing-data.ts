// Queries, vocabulary and helpers shared by the billing components, the dashboard and the checkout page.
import { type QueryClient, useQuery } from '@tanstack/react-query';
import type { CREDIT_TRANSACTION_TYPE_VALUES } from '../../../server/domain/billing/billing-schemas.ts';
import { type Trpc, useTRPC } from '../../lib/trpc.ts';

export type TransactionType = (typeof CREDIT_TRANSACTION_TYPE_VALUES)[number];

/** The ledger's transaction types with their labels (every type the server knows, checked). */
export const TRANSACTION_TYPE_LABELS = {
  grant: 'Grant',
  purchase: 'Purchase',
  reservation: 'Reservation',
  usage: 'Usage',
  refund: 'Refund',
  adjustment: 'Adjustment',
} as const satisfies Record<TransactionType, string>;

/** The billing page's `type` filter values. */
export const TRANSACTION_TYPES = Object.keys(TRANSACTION_TYPE_LABELS) as [TransactionType, ...TransactionType[]];

/**
 * The balance query. Always refetched when a page shows it (staleTime 0): deployments, agent runs
 * and purchases change it outside of this page's mutations.
 */
export function balanceQueryOptions(trpc: Trpc) {
  return { ...trpc.billing.balance.queryOptions(), staleTime: 0 };
}

export function useBalance() {
  const trpc = useTRPC();
  return useQuery(balanceQueryOptions(trpc));
}

/** After credits changed (purchase): everything that shows a balance, the ledger or activity. */
export async function refreshCreditCaches(queryClient: QueryClient, trpc: Trpc): Promise<void> {
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: trpc.billing.pathKey() }),
    queryClient.invalidateQueries({ queryKey: trpc.usage.pathKey() }),
    queryClient.invalidateQueries({ queryKey: trpc.org.current.queryKey() }),
    queryClient.invalidateQueries({ queryKey: trpc.auth.me.queryKey() }),
  ]);
}

const currencyFormats = new Map<string, Intl.NumberFormat>();

/** 1000 cents in "usd" → "$10.00". */
export function formatMoney(cents: number, currency: string): string {
  const code = currency.toUpperCase();
  let format = currencyFormats.get(code);
  if (!format) {
    format = new Intl.NumberFormat('en', { style: 'currency', currency: code });
    currencyFormats.set(code, format);
  }
  return format.format(cents / 100);
}

export function pluralCredits(n: number): string {
  return n === 1 ? 'credit' : 'credits';
}
