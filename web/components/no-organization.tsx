import { useMutation } from '@tanstack/react-query';
import { useRouter } from '@tanstack/react-router';
import { Building2 } from 'lucide-react';
import { useState } from 'react';
import { toast } from 'sonner';
import { errorMessage } from '../lib/errors.ts';
import { ROLE_LABELS } from '../lib/format.ts';
import { refreshForOrganizationChange } from '../lib/session.ts';
import { useTRPC } from '../lib/trpc.ts';
import { useMe } from '../lib/use-me.ts';
import { CreateOrganizationDialog } from './create-organization-dialog.tsx';
import { EmptyState } from './empty-state.tsx';
import { OrgAvatar } from './org-switcher.tsx';
import { Button } from './ui/button.tsx';

/** Shown instead of the pages when the session has no active organization (e.g. after leaving one). */
export function NoOrganization() {
  const me = useMe();
  const trpc = useTRPC();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const switchOrg = useMutation(
    trpc.auth.switchOrganization.mutationOptions({
      onSuccess: async (result) => {
        await refreshForOrganizationChange(router.options.context.queryClient, router);
        toast.success(result.message);
      },
      onError: (error) => toast.error(errorMessage(error)),
    }),
  );
  const others = me.organizations;

  return (
    <>
      <EmptyState
        icon={Building2}
        title={others.length > 0 ? 'Choose an organization' : 'You are not in an organization'}
        description={
          others.length > 0
            ? 'Pick the organization to work in, or create a new one.'
            : 'Everything in Pixell Agent Cloud lives in an organization. Create one, or ask a teammate to invite you to theirs.'
        }
        className="mt-10"
      >
        {others.length > 0 ? (
          <ul className="grid w-full max-w-sm gap-2 text-left">
            {others.map((org) => (
              <li key={org.id} className="flex items-center gap-3 rounded-lg border bg-card p-3">
                <OrgAvatar name={org.name} />
                <span className="min-w-0 flex-1">
                  <span className="block truncate font-medium">{org.name}</span>
                  <span className="block text-xs text-muted-foreground">{ROLE_LABELS[org.role]}</span>
                </span>
                <Button
                  size="sm"
                  variant="outline"
                  pending={switchOrg.isPending && switchOrg.variables?.organizationId === org.id}
                  disabled={switchOrg.isPending}
                  onClick={() => switchOrg.mutate({ organizationId: org.id })}
                >
                  Open<span className="sr-only"> {org.name}</span>
                </Button>
              </li>
            ))}
          </ul>
        ) : null}
        <Button variant={others.length > 0 ? 'ghost' : 'default'} onClick={() => setOpen(true)}>
          Create organization
        </Button>
      </EmptyState>
      <CreateOrganizationDialog open={open} onOpenChange={setOpen} />
    </>
  );
}
