import { Link } from '@tanstack/react-router';
import { Compass } from 'lucide-react';
import { Button } from './ui/button.tsx';

export function NotFound() {
  return (
    <div className="flex min-h-[60vh] flex-col items-center justify-center px-6 text-center">
      <div className="mb-4 flex size-12 items-center justify-center rounded-full bg-accent text-accent-foreground">
        <Compass className="size-6" aria-hidden="true" />
      </div>
      <h1 className="text-xl font-semibold">Page not found</h1>
      <p className="mt-1.5 text-sm text-muted-foreground">The page you are looking for does not exist or has moved.</p>
      <Button asChild className="mt-6">
        <Link to="/">Go to the dashboard</Link>
      </Button>
    </div>
  );
}
