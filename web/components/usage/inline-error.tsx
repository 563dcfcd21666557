import { AlertTriangle, RotateCw } from 'lucide-react';
import { errorMessage } from '../../lib/errors.ts';
import { cn } from '../../lib/utils.ts';
import { Button } from '../ui/button.tsx';

/** A compact error with a retry button, for a panel inside a page that otherwise works. */
export function InlineError({
  message,
  error,
  onRetry,
  retrying = false,
  className,
}: {
  message: string;
  error: unknown;
  onRetry: () => void;
  retrying?: boolean;
  className?: string;
}) {
  return (
    <div role="alert" className={cn('flex flex-col items-start gap-3 rounded-lg border border-red-200 bg-red-50/40 px-4 py-3 text-sm sm:flex-row sm:items-center sm:justify-between', className)}>
      <div className="flex items-start gap-2">
        <AlertTriangle className="mt-0.5 size-4 shrink-0 text-destructive" aria-hidden="true" />
        <div>
          <p className="font-medium">{message}</p>
          <p className="text-xs text-muted-foreground">{errorMessage(error)}</p>
        </div>
      </div>
      <Button variant="outline" size="sm" onClick={onRetry} pending={retrying}>
        {retrying ? null : <RotateCw aria-hidden="true" />}
        Try again
      </Button>
    </div>
  );
}
