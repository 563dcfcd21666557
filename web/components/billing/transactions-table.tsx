// The credit ledger, newest first: a type filter and keyset pagination (Previous / Next keep the
// cursors of the pages already seen).
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { ChevronLeft, ChevronRight, Receipt } from 'lucide-react';
import { useState } from 'react';
import { formatDateTime, formatNumber } from '../../lib/format.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { cn } from '../../lib/utils.ts';
import { FilterSelect } from '../filter-select.tsx';
import { SkeletonRows } from '../list-skeleton.tsx';
import { Badge } from '../ui/badge.tsx';
import { Button } from '../ui/button.tsx';
import { Card, CardDescription, CardHeader, CardTitle } from '../ui/card.tsx';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../ui/table.tsx';
import { InlineError } from '../usage/inline-error.tsx';
import { TRANSACTION_TYPE_LABELS, TRANSACTION_TYPES, type TransactionType } from './billing-data.ts';

const TYPE_BADGES: Record<TransactionType, 'success' | 'accent' | 'secondary' | 'warning' | 'outline'> = {
  grant: 'accent',
  purchase: 'success',
  reservation: 'secondary',
  usage: 'secondary',
  refund: 'warning',
  adjustment: 'outline',
};

const PAGE_SIZE = 20;

export function TransactionsTable({ type, onTypeChange }: { type: TransactionType | undefined; onTypeChange: (type: TransactionType | undefined) => void }) {
  return (
    <Card className="overflow-hidden">
      <CardHeader className="flex-row flex-wrap items-end justify-between gap-4">
        <div className="grid gap-1.5">
          <CardTitle>Transaction history</CardTitle>
          <CardDescription>Every change to the balance, newest first.</CardDescription>
        </div>
        <FilterSelect
          label="Type"
          allLabel="All types"
          className="sm:w-48"
          value={type}
          options={TRANSACTION_TYPES.map((t) => ({ value: t, label: TRANSACTION_TYPE_LABELS[t] }))}
          onChange={onTypeChange}
        />
      </CardHeader>
      {/* A new filter starts again at the first page. */}
      <TransactionPages key={type ?? 'all'} type={type} onClearFilter={() => onTypeChange(undefined)} />
    </Card>
  );
}

function TransactionPages({ type, onClearFilter }: { type: TransactionType | undefined; onClearFilter: () => void }) {
  const trpc = useTRPC();
  // cursors[i] is the cursor that loads page i (page 0 has none).
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const page = cursors.length - 1;
  const history = useQuery({
    ...trpc.billing.history.queryOptions({ limit: PAGE_SIZE, cursor: cursors[page], type }),
    placeholderData: keepPreviousData,
  });

  if (history.isPending) {
    return (
      <div className="grid gap-4 border-t p-4" role="status" aria-label="Loading transactions">
        <SkeletonRows rows={5} cells={['h-4 w-28', 'h-5 w-20 rounded-full', 'h-4 w-48', 'ml-auto h-4 w-16']} />
      </div>
    );
  }
  if (history.isError && !history.data) {
    return (
      <div className="border-t p-4">
        <InlineError message="Could not load the transactions" error={history.error} onRetry={() => void history.refetch()} retrying={history.isFetching} />
      </div>
    );
  }

  const { transactions, nextCursor } = history.data;
  if (transactions.length === 0 && page === 0) {
    return (
      <div className="flex flex-col items-center border-t px-6 py-12 text-center">
        <div className="mb-3 flex size-10 items-center justify-center rounded-full bg-accent text-accent-foreground">
          <Receipt className="size-5" aria-hidden="true" />
        </div>
        <p className="font-medium">{type ? `No ${TRANSACTION_TYPE_LABELS[type].toLowerCase()} transactions` : 'No transactions yet'}</p>
        <p className="mt-1 text-xs text-muted-foreground">
          {type ? 'Nothing of this type has touched the balance.' : 'Grants, purchases, usage charges and refunds will be listed here.'}
        </p>
        {type ? (
          <Button variant="outline" size="sm" className="mt-4" onClick={onClearFilter}>
            Show all types
          </Button>
        ) : null}
      </div>
    );
  }

  return (
    <>
      <div className={cn('border-t transition-opacity', history.isPlaceholderData && 'opacity-60')} aria-busy={history.isPlaceholderData || undefined}>
        <Table aria-label="Credit transactions" data-testid="transactions-table">
          <TableHeader>
            <TableRow className="hover:bg-transparent">
              <TableHead>Date</TableHead>
              <TableHead>Type</TableHead>
              <TableHead>Description</TableHead>
              <TableHead className="text-right">Amount</TableHead>
              <TableHead className="text-right">Balance</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {transactions.map((t) => (
              <TableRow key={t.id}>
                <TableCell className="text-muted-foreground">
                  <time dateTime={new Date(t.createdAt).toISOString()}>{formatDateTime(t.createdAt)}</time>
                </TableCell>
                <TableCell>
                  <Badge variant={TYPE_BADGES[t.type as TransactionType] ?? 'secondary'}>{TRANSACTION_TYPE_LABELS[t.type as TransactionType] ?? t.type}</Badge>
                </TableCell>
                <TableCell className="max-w-md truncate" title={t.description ?? undefined}>
                  {t.description ?? '—'}
                </TableCell>
                <TableCell className={cn('text-right font-medium tabular-nums', t.amount > 0 ? 'text-emerald-700' : t.amount < 0 ? 'text-foreground' : 'text-muted-foreground')}>
                  {t.amount > 0 ? '+' : t.amount < 0 ? '−' : ''}
                  {formatNumber(Math.abs(t.amount))}
                </TableCell>
                <TableCell className="text-right tabular-nums text-muted-foreground">{formatNumber(t.balanceAfter)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
      <nav aria-label="Transaction pages" className="flex items-center justify-between gap-4 border-t px-4 py-3">
        <p className="text-xs text-muted-foreground" aria-live="polite">
          Page {page + 1}
        </p>
        <div className="flex gap-2">
          <Button variant="outline" size="sm" disabled={page === 0 || history.isFetching} onClick={() => setCursors((c) => c.slice(0, -1))}>
            <ChevronLeft aria-hidden="true" />
            Previous
          </Button>
          <Button
            variant="outline"
            size="sm"
            disabled={!nextCursor || history.isPlaceholderData}
            pending={history.isPlaceholderData && history.isFetching}
            onClick={() => nextCursor && setCursors((c) => [...c, nextCursor])}
          >
            Next
            <ChevronRight aria-hidden="true" />
          </Button>
        </div>
      </nav>
    </>
  );
}
