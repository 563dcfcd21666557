import { useMutation } from '@tanstack/react-query';
import { ChevronsUpDown, LogOut } from 'lucide-react';
import { toast } from 'sonner';
import { errorMessage } from '../lib/errors.ts';
import { leaveAfterLogout } from '../lib/session.ts';
import { useTRPC } from '../lib/trpc.ts';
import type { Me } from '../lib/use-me.ts';
import { DropdownMenu, DropdownMenuContent, DropdownMenuItem, DropdownMenuLabel, DropdownMenuSeparator, DropdownMenuTrigger } from './ui/dropdown-menu.tsx';

export function UserMenu({ me }: { me: Me }) {
  const trpc = useTRPC();
  const logout = useMutation(
    trpc.auth.logout.mutationOptions({
      onSuccess: () => leaveAfterLogout(),
      onError: (error) => toast.error(errorMessage(error)),
    }),
  );

  return (
    <DropdownMenu>
      <DropdownMenuTrigger className="flex w-full items-center gap-2.5 rounded-lg p-2 text-left outline-none transition-colors hover:bg-sidebar-accent focus-visible:ring-2 focus-visible:ring-ring">
        <span
          aria-hidden="true"
          className="flex size-7 shrink-0 items-center justify-center rounded-full bg-zinc-700 text-xs font-semibold uppercase text-white"
        >
          {me.user.email.charAt(0)}
        </span>
        <span className="min-w-0 flex-1 truncate text-sm text-sidebar-foreground">{me.user.email}</span>
        <ChevronsUpDown className="size-4 shrink-0 text-sidebar-muted" aria-hidden="true" />
      </DropdownMenuTrigger>
      <DropdownMenuContent side="top" align="start" className="w-(--radix-dropdown-menu-trigger-width) min-w-56">
        <DropdownMenuLabel className="font-normal">
          <span className="block text-xs text-muted-foreground">Signed in as</span>
          <span className="block truncate text-sm font-medium text-foreground">{me.user.email}</span>
        </DropdownMenuLabel>
        <DropdownMenuSeparator />
        <DropdownMenuItem
          disabled={logout.isPending}
          onSelect={(event) => {
            event.preventDefault();
            logout.mutate();
          }}
        >
          <LogOut aria-hidden="true" />
          Log out
        </DropdownMenuItem>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
