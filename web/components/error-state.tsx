import { useQueryErrorResetBoundary } from '@tanstack/react-query';
import { type ErrorComponentProps, Link, useRouter } from '@tanstack/react-router';
import { AlertTriangle, RotateCw } from 'lucide-react';
import { useEffect } from 'react';
import { errorMessage, isUnauthorized } from '../lib/errors.ts';
import { cn } from '../lib/utils.ts';
import { Button } from './ui/button.tsx';

export function ErrorState({
  title = 'Something went wrong',
  error,
  onRetry,
  retrying = false,
  className,
}: {
  title?: string;
  error: unknown;
  onRetry?: () => void;
  retrying?: boolean;
  className?: string;
}) {
  const unauthorized = isUnauthorized(error);
  return (
    <div role="alert" className={cn('flex flex-col items-center justify-center rounded-xl border border-red-200 bg-red-50/40 px-6 py-12 text-center', className)}>
      <div className="mb-4 flex size-12 items-center justify-center rounded-full bg-red-100 text-destructive">
        <AlertTriangle className="size-6" aria-hidden="true" />
      </div>
      <h2 className="text-base font-semibold">{unauthorized ? 'Your session has ended' : title}</h2>
      <p className="mt-1.5 max-w-md text-sm text-muted-foreground">
        {unauthorized ? 'Please log in again to continue.' : errorMessage(error)}
      </p>
      <div className="mt-6">
        {unauthorized ? (
          <Button asChild>
            <Link to="/login" search={{ redirect: window.location.pathname + window.location.search }}>
              Log in again
            </Link>
          </Button>
        ) : onRetry ? (
          <Button variant="outline" onClick={onRetry} pending={retrying}>
            {retrying ? null : <RotateCw aria-hidden="true" />}
            Try again
          </Button>
        ) : null}
      </div>
    </div>
  );
}

/** Error component for routes: resets failed queries and re-runs the loaders on retry. */
export function RouteError({ error, reset }: ErrorComponentProps) {
  const router = useRouter();
  const queryErrorResetBoundary = useQueryErrorResetBoundary();
  useEffect(() => {
    queryErrorResetBoundary.reset();
  }, [queryErrorResetBoundary]);
  return (
    <ErrorState
      error={error}
      onRetry={() => {
        reset();
        void router.invalidate();
      }}
    />
  );
}
