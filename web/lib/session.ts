// Helpers around the signed-in session (auth.me) shared by route guards and components.
import type { QueryClient } from '@tanstack/react-query';
import type { RouterContext } from '../routes/__root.tsx';

/** The current session (cached); null when signed out. */
export function ensureMe(context: RouterContext) {
  return context.queryClient.ensureQueryData(context.trpc.auth.me.queryOptions());
}

/** Forgets everything cached for the previous identity (after logging in or accepting an invitation). */
export async function resetSessionCaches(context: { queryClient: QueryClient }): Promise<void> {
  await context.queryClient.cancelQueries();
  context.queryClient.clear();
}

/**
 * After the active organization changed: refetch what is on screen and drop everything else, so no
 * page ever shows the previous organization's data from the cache.
 */
export async function refreshForOrganizationChange(queryClient: QueryClient, router: { invalidate: () => Promise<void> }): Promise<void> {
  queryClient.removeQueries({ type: 'inactive' });
  await queryClient.invalidateQueries();
  await router.invalidate();
}

/** Logging out reloads the app on /login: nothing of the previous session survives in memory. */
export function leaveAfterLogout(): void {
  window.location.assign('/login');
}
