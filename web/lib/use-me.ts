import { useSuspenseQuery } from '@tanstack/react-query';
import { useTRPC } from './trpc.ts';

export type Me = NonNullable<ReturnType<typeof useMaybeMe>>;

export function useMaybeMe() {
  const trpc = useTRPC();
  return useSuspenseQuery(trpc.auth.me.queryOptions()).data;
}

/** The signed-in session, for components rendered under the /_app layout (which guarantees it). */
export function useMe() {
  const me = useMaybeMe();
  if (!me) throw new Error('useMe() used outside of a signed-in route');
  return me;
}

/** The active organization; only under routes that render when the session has one. */
export function useActiveOrganization() {
  const me = useMe();
  if (!me.organization) throw new Error('No active organization');
  return me.organization;
}
