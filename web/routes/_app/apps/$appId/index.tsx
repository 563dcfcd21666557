import { useSuspenseQuery } from '@tanstack/react-query';
import { createFileRoute, Link, useNavigate } from '@tanstack/react-router';
import { ChevronLeft, Globe, KeyRound, LayoutDashboard, Lock, MoreHorizontal, Package, Pencil, Rocket, Trash2, Webhook } from 'lucide-react';
import { useState } from 'react';
import { z } from 'zod/mini';
import { AppFormDialog, DeleteAppDialog, type EditableApp } from '../../../../components/app-dialogs.tsx';
import { DeploymentsTab } from '../../../../components/app-page/deployments-tab.tsx';
import { OverviewTab } from '../../../../components/app-page/overview-tab.tsx';
import { PackagesTab } from '../../../../components/app-page/packages-tab.tsx';
import { SecretsTab } from '../../../../components/app-page/secrets-tab.tsx';
import { WebhooksTab } from '../../../../components/app-page/webhooks-tab.tsx';
import { Badge } from '../../../../components/ui/badge.tsx';
import { Button } from '../../../../components/ui/button.tsx';
import { DropdownMenu, DropdownMenuContent, DropdownMenuItem, DropdownMenuSeparator, DropdownMenuTrigger } from '../../../../components/ui/dropdown-menu.tsx';
import { Skeleton } from '../../../../components/ui/skeleton.tsx';
import { Tabs, TabsContent, TabsList, TabsTrigger } from '../../../../components/ui/tabs.tsx';
import { canManageOrganization } from '../../../../lib/permissions.ts';
import { optionalParam } from '../../../../lib/search-params.ts';
import { useTRPC } from '../../../../lib/trpc.ts';
import { useActiveOrganization } from '../../../../lib/use-me.ts';

const APP_TABS = ['overview', 'packages', 'deployments', 'secrets', 'webhooks'] as const;
type AppTab = (typeof APP_TABS)[number];

const searchSchema = z.object({
  tab: optionalParam(z.enum(APP_TABS)),
});

export const Route = createFileRoute('/_app/apps/$appId/')({
  validateSearch: searchSchema,
  loader: async ({ context, params }) => {
    const app = await context.queryClient.ensureQueryData(context.trpc.apps.get.queryOptions({ id: params.appId }));
    return { name: app.name };
  },
  head: ({ loaderData }) => ({ meta: [{ title: `${loaderData?.name ?? 'Agent app'} · Pixell Agent Cloud` }] }),
  pendingComponent: AppSkeleton,
  component: AppPage,
});

function AppPage() {
  const trpc = useTRPC();
  const navigate = useNavigate({ from: Route.fullPath });
  const { appId } = Route.useParams();
  const { tab = 'overview' } = Route.useSearch();
  const organization = useActiveOrganization();
  const { data: app } = useSuspenseQuery(trpc.apps.get.queryOptions({ id: appId }));
  const [editing, setEditing] = useState<EditableApp | null>(null);
  const [deleting, setDeleting] = useState<{ id: string; name: string } | null>(null);

  return (
    <>
      <Link
        to="/apps"
        className="mb-4 inline-flex items-center gap-1 rounded-sm text-sm text-muted-foreground outline-none hover:text-foreground focus-visible:ring-2 focus-visible:ring-ring"
      >
        <ChevronLeft className="size-4" aria-hidden="true" />
        Agent apps
      </Link>
      <div className="mb-6 flex flex-col gap-4 sm:flex-row sm:items-start sm:justify-between">
        <div className="min-w-0">
          <div className="flex flex-wrap items-center gap-2">
            <h1 className="truncate text-2xl font-semibold tracking-tight">{app.name}</h1>
            {app.activeVersion ? (
              <Badge variant="success" className="font-mono" data-testid="live-version">
                v{app.activeVersion} live
              </Badge>
            ) : (
              <Badge variant="secondary">Not deployed</Badge>
            )}
            {app.isPublic ? (
              <Badge variant="outline">
                <Globe aria-hidden="true" />
                Public
              </Badge>
            ) : (
              <Badge variant="outline">
                <Lock aria-hidden="true" />
                Private
              </Badge>
            )}
          </div>
          <p className="mt-1 max-w-2xl text-sm text-muted-foreground">{app.description || 'No description.'}</p>
        </div>
        <div className="flex shrink-0 items-center gap-2">
          <DropdownMenu>
            <DropdownMenuTrigger asChild>
              <Button variant="outline" size="icon" aria-label="More actions">
                <MoreHorizontal aria-hidden="true" />
              </Button>
            </DropdownMenuTrigger>
            <DropdownMenuContent align="end">
              <DropdownMenuItem onSelect={() => setEditing({ id: app.id, name: app.name, description: app.description, isPublic: app.isPublic })}>
                <Pencil aria-hidden="true" />
                Edit app
              </DropdownMenuItem>
              {canManageOrganization(organization.role) ? (
                <>
                  <DropdownMenuSeparator />
                  <DropdownMenuItem variant="destructive" onSelect={() => setDeleting({ id: app.id, name: app.name })}>
                    <Trash2 aria-hidden="true" />
                    Delete app
                  </DropdownMenuItem>
                </>
              ) : null}
            </DropdownMenuContent>
          </DropdownMenu>
          <Button asChild>
            <Link to="/apps/$appId/deploy" params={{ appId: app.id }}>
              <Rocket aria-hidden="true" />
              Deploy
            </Link>
          </Button>
        </div>
      </div>

      <Tabs value={tab} onValueChange={(value) => void navigate({ search: { tab: value === 'overview' ? undefined : (value as AppTab) }, replace: true })}>
        <TabsList aria-label="Agent app sections">
          <TabsTrigger value="overview">
            <LayoutDashboard aria-hidden="true" />
            Overview
          </TabsTrigger>
          <TabsTrigger value="packages">
            <Package aria-hidden="true" />
            Packages
            <span className="rounded-full bg-muted px-1.5 text-xs tabular-nums">{app.packages.length}</span>
          </TabsTrigger>
          <TabsTrigger value="deployments">
            <Rocket aria-hidden="true" />
            Deployments
          </TabsTrigger>
          <TabsTrigger value="secrets">
            <KeyRound aria-hidden="true" />
            Secrets
          </TabsTrigger>
          <TabsTrigger value="webhooks">
            <Webhook aria-hidden="true" />
            Webhooks
          </TabsTrigger>
        </TabsList>
        <TabsContent value="overview">
          <OverviewTab app={app} />
        </TabsContent>
        <TabsContent value="packages">
          <PackagesTab app={app} />
        </TabsContent>
        <TabsContent value="deployments">
          <DeploymentsTab appId={app.id} />
        </TabsContent>
        <TabsContent value="secrets">
          <SecretsTab appId={app.id} />
        </TabsContent>
        <TabsContent value="webhooks">
          <WebhooksTab appId={app.id} />
        </TabsContent>
      </Tabs>

      <AppFormDialog open={editing !== null} onOpenChange={(open) => (open ? undefined : setEditing(null))} app={editing} />
      <DeleteAppDialog app={deleting} onClose={() => setDeleting(null)} onDeleted={() => void navigate({ to: '/apps' })} />
    </>
  );
}

function AppSkeleton() {
  return (
    <div role="status" aria-label="Loading agent app">
      <Skeleton className="mb-4 h-4 w-24" />
      <div className="mb-6 flex items-start justify-between">
        <div className="grid gap-2">
          <Skeleton className="h-8 w-56" />
          <Skeleton className="h-4 w-80 max-w-full" />
        </div>
        <Skeleton className="h-9 w-28" />
      </div>
      <Skeleton className="mb-6 h-10 w-full" />
      <div className="grid gap-4 md:grid-cols-3">
        <Skeleton className="h-32 rounded-xl" />
        <Skeleton className="h-32 rounded-xl" />
        <Skeleton className="h-32 rounded-xl" />
      </div>
    </div>
  );
}
