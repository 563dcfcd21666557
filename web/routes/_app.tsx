import { createFileRoute, Navigate, Outlet, redirect, useLocation } from '@tanstack/react-router';
import { AppShell } from '../components/app-shell.tsx';
import { NoOrganization } from '../components/no-organization.tsx';
import { ensureMe } from '../lib/session.ts';
import { useMaybeMe } from '../lib/use-me.ts';

/** Everything behind a session: redirects to /login (coming back afterwards) when signed out. */
export const Route = createFileRoute('/_app')({
  beforeLoad: async ({ context, location }) => {
    const me = await ensureMe(context);
    if (!me) throw redirect({ to: '/login', search: { redirect: location.href } });
  },
  component: AppLayout,
});

function AppLayout() {
  const me = useMaybeMe();
  const location = useLocation();
  // The session can end while the app is open (expired, logged out in another tab).
  if (!me) return <Navigate to="/login" search={{ redirect: location.href }} replace />;
  return <AppShell me={me}>{me.organization ? <Outlet /> : <NoOrganization />}</AppShell>;
}
