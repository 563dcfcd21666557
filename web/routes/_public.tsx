import { createFileRoute, Link, Outlet } from '@tanstack/react-router';
import { Brand } from '../components/brand.tsx';

/** Layout of the pages reachable without a session: a centred column on a soft background. */
export const Route = createFileRoute('/_public')({
  component: PublicLayout,
});

function PublicLayout() {
  return (
    <div className="relative flex min-h-dvh flex-col bg-[radial-gradient(ellipse_at_top,var(--accent),transparent_60%)]">
      <header className="flex justify-center px-6 pb-2 pt-10 sm:pt-16">
        <Link to="/" className="rounded-md">
          <Brand className="text-base" />
        </Link>
      </header>
      <main className="flex flex-1 justify-center px-4 py-8">
        <div className="w-full max-w-[420px]">
          <Outlet />
        </div>
      </main>
      <footer className="px-6 py-6 text-center text-xs text-muted-foreground">© Pixell Agent Cloud</footer>
    </div>
  );
}
