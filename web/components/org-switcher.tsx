import { useMutation } from '@tanstack/react-query';
import { useRouter } from '@tanstack/react-router';
import { Check, ChevronsUpDown, Plus } from 'lucide-react';
import { useState } from 'react';
import { toast } from 'sonner';
import { errorMessage } from '../lib/errors.ts';
import { ROLE_LABELS } from '../lib/format.ts';
import { refreshForOrganizationChange } from '../lib/session.ts';
import { useTRPC } from '../lib/trpc.ts';
import type { Me } from '../lib/use-me.ts';
import { CreateOrganizationDialog } from './create-organization-dialog.tsx';
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from './ui/dropdown-menu.tsx';

export function OrgAvatar({ name, className = '' }: { name: string; className?: string }) {
  return (
    <span
      aria-hidden="true"
      className={`flex size-7 shrink-0 items-center justify-center rounded-md bg-gradient-to-br from-violet-500 to-violet-700 text-xs font-semibold uppercase text-white ${className}`}
    >
      {name.trim().charAt(0) || '?'}
    </span>
  );
}

/** Shows the active organization; lists the others to switch to, and creates new ones. */
export function OrganizationSwitcher({ me }: { me: Me }) {
  const trpc = useTRPC();
  const router = useRouter();
  const { queryClient } = router.options.context;
  const [createOpen, setCreateOpen] = useState(false);
  const active = me.organization;

  const switchOrg = useMutation(
    trpc.auth.switchOrganization.mutationOptions({
      onSuccess: async (_result, input) => {
        await refreshForOrganizationChange(queryClient, router);
        const name = me.organizations.find((o) => o.id === input.organizationId)?.name;
        toast.success(name ? `Switched to ${name}` : 'Organization switched');
      },
      onError: (error) => toast.error(errorMessage(error)),
    }),
  );

  return (
    <>
      <DropdownMenu>
        <DropdownMenuTrigger
          className="flex w-full items-center gap-2.5 rounded-lg border border-sidebar-border bg-sidebar-accent/60 p-2 text-left outline-none transition-colors hover:bg-sidebar-accent focus-visible:ring-2 focus-visible:ring-ring disabled:opacity-60"
          disabled={switchOrg.isPending}
          aria-label={active ? `Organization: ${active.name}. Switch organization` : 'Choose an organization'}
        >
          <OrgAvatar name={active?.name ?? '?'} />
          <span className="min-w-0 flex-1">
            <span className="block truncate text-sm font-medium text-white">{active?.name ?? 'No organization'}</span>
            {active ? <span className="block text-xs text-sidebar-muted">{ROLE_LABELS[active.role]}</span> : null}
          </span>
          <ChevronsUpDown className="size-4 shrink-0 text-sidebar-muted" aria-hidden="true" />
        </DropdownMenuTrigger>
        <DropdownMenuContent align="start" className="w-(--radix-dropdown-menu-trigger-width) min-w-60">
          <DropdownMenuLabel>Organizations</DropdownMenuLabel>
          {me.organizations.map((org) => {
            const isActive = org.id === active?.id;
            return (
              <DropdownMenuItem
                key={org.id}
                onSelect={() => {
                  if (!isActive) switchOrg.mutate({ organizationId: org.id });
                }}
                aria-current={isActive ? 'true' : undefined}
              >
                <OrgAvatar name={org.name} className="size-5 rounded text-[10px]" />
                <span className="min-w-0 flex-1 truncate">{org.name}</span>
                <span className="text-xs text-muted-foreground">{ROLE_LABELS[org.role]}</span>
                {isActive ? <Check className="text-primary!" aria-label="Active" /> : <span className="size-4" />}
              </DropdownMenuItem>
            );
          })}
          <DropdownMenuSeparator />
          <DropdownMenuItem onSelect={() => setCreateOpen(true)}>
            <Plus aria-hidden="true" />
            Create organization
          </DropdownMenuItem>
        </DropdownMenuContent>
      </DropdownMenu>
      <CreateOrganizationDialog open={createOpen} onOpenChange={setCreateOpen} />
    </>
  );
}
