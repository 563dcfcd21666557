// Placeholders for lists (tables) that are loading.
import { Card } from './ui/card.tsx';
import { Skeleton } from './ui/skeleton.tsx';

/** `rows` rows of placeholders, one per class list in `cells` (e.g. 'h-4 w-32', 'ml-auto h-4 w-24'). */
export function SkeletonRows({ rows, cells }: { rows: number; cells: readonly string[] }) {
  return Array.from({ length: rows }, (_, i) => (
    <div key={i} className="flex items-center gap-6">
      {cells.map((className, j) => (
        <Skeleton key={j} className={className} />
      ))}
    </div>
  ));
}

/** Placeholder rows in a card; with a `label`, the card itself announces the loading. */
export function ListSkeleton({ label, rows, cells }: { label?: string; rows: number; cells: readonly string[] }) {
  return (
    <Card className="grid gap-4 p-4" role={label ? 'status' : undefined} aria-label={label}>
      <SkeletonRows rows={rows} cells={cells} />
    </Card>
  );
}
