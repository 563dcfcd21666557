// Shown when the balance is below the server's LOW_BALANCE_THRESHOLD.
import { TriangleAlert } from 'lucide-react';
import type * as React from 'react';
import { formatNumber } from '../../lib/format.ts';
import { pluralCredits, useBalance } from './billing-data.ts';

export function LowBalanceBanner({ action }: { action?: React.ReactNode }) {
  const balance = useBalance();
  if (!balance.data?.lowBalance) return null;
  const { credits, lowBalanceThreshold } = balance.data;
  return (
    <div
      role="status"
      data-testid="low-balance-banner"
      className="mb-6 flex flex-col gap-3 rounded-xl border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900 sm:flex-row sm:items-center sm:justify-between"
    >
      <div className="flex items-start gap-3">
        <TriangleAlert className="mt-0.5 size-4 shrink-0 text-amber-600" aria-hidden="true" />
        <div>
          <p className="font-medium">
            Your balance is low: {formatNumber(credits)} {pluralCredits(credits)} left
          </p>
          <p className="text-xs text-amber-800">
            It is below {formatNumber(lowBalanceThreshold)} credits. Deployments and agent runs stop when credits run out.
          </p>
        </div>
      </div>
      {action ? <div className="shrink-0">{action}</div> : null}
    </div>
  );
}
