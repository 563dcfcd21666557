import type { QueryClient } from '@tanstack/react-query';
import { createRootRouteWithContext, HeadContent, Outlet } from '@tanstack/react-router';
import { Toaster } from 'sonner';
import type { Trpc } from '../lib/trpc.ts';

export type RouterContext = {
  queryClient: QueryClient;
  trpc: Trpc;
};

export const Route = createRootRouteWithContext<RouterContext>()({
  head: () => ({ meta: [{ title: 'Pixell Agent Cloud' }] }),
  component: RootLayout,
});

function RootLayout() {
  return (
    <>
      <HeadContent />
      <Outlet />
      <Toaster position="bottom-right" richColors closeButton />
    </>
  );
}
