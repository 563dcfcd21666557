// Below a list read page by page: how many rows it shows, and "Load more" while there are more pages.
import { formatNumber } from '../lib/format.ts';
import { Button } from './ui/button.tsx';

export function ListFooter({
  shown,
  noun,
  hasMore,
  loadingMore,
  onLoadMore,
  countTestId,
}: {
  shown: number;
  /** What a row is, singular and plural: ['entry', 'entries']. */
  noun: readonly [string, string];
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
  countTestId?: string;
}) {
  return (
    <div className="mt-4 flex items-center justify-between gap-4">
      <p className="text-xs text-muted-foreground" data-testid={countTestId}>
        {formatNumber(shown)} {shown === 1 ? noun[0] : noun[1]} shown
      </p>
      {hasMore ? (
        <Button variant="outline" onClick={onLoadMore} pending={loadingMore}>
          Load more
        </Button>
      ) : null}
    </div>
  );
}
