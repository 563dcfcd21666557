// The tRPC client of the SPA: one QueryClient, a batched HTTP link to /api/trpc for queries and
// mutations and a server-sent-events link for subscriptions (same origin, so the session cookie
// flows either way), superjson like the server, and the options proxy used by loaders.
import { QueryCache, QueryClient } from '@tanstack/react-query';
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink, TRPCClientError } from '@trpc/client';
import { createTRPCContext, createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import superjson from 'superjson';
import type { AppRouter } from '../../server/trpc/router.ts';

function shouldRetry(failureCount: number, error: unknown): boolean {
  if (error instanceof TRPCClientError) {
    const status = (error.data as { httpStatus?: number } | undefined)?.httpStatus;
    // Client errors (401, 403, 404, validation...) will not fix themselves.
    if (status !== undefined && status < 500) return false;
  }
  return failureCount < 2;
}

export function createQueryClient(): QueryClient {
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      // A 401 anywhere means the session ended (expired, logged out elsewhere): re-read auth.me so
      // the signed-in layout sends the user to /login.
      onError: (error, query) => {
        const status = error instanceof TRPCClientError ? (error.data as { httpStatus?: number } | undefined)?.httpStatus : undefined;
        const meKey = trpc.auth.me.queryKey();
        if (status === 401 && JSON.stringify(query.queryKey) !== JSON.stringify(meKey)) {
          void client.invalidateQueries({ queryKey: meKey });
        }
      },
    }),
    defaultOptions: {
      queries: { staleTime: 30_000, retry: shouldRetry, refetchOnWindowFocus: true },
      mutations: { retry: false },
    },
  });
  return client;
}

export const queryClient = createQueryClient();

export const trpcClient = createTRPCClient<AppRouter>({
  links: [
    splitLink({
      condition: (op) => op.type === 'subscription',
      // EventSource reconnects by itself; tracked() events make tRPC resume from the last event id.
      true: httpSubscriptionLink({ url: '/api/trpc', transformer: superjson }),
      false: httpBatchLink({
        url: '/api/trpc',
        transformer: superjson,
        fetch: (url, options) => fetch(url, { ...options, credentials: 'same-origin' }),
      }),
    }),
  ],
});

/** Options proxy for use outside React (route loaders, beforeLoad). */
export const trpc = createTRPCOptionsProxy<AppRouter>({ client: trpcClient, queryClient });
export type Trpc = typeof trpc;

/** React bindings: `useTRPC()` inside components returns the same kind of proxy. */
export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();
