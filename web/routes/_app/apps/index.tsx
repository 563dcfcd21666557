import { useQueries, useSuspenseQuery } from '@tanstack/react-query';
import { createFileRoute, Link, useNavigate } from '@tanstack/react-router';
import { Bot, Globe, Lock, MoreHorizontal, Pencil, Plus, Rocket, Trash2 } from 'lucide-react';
import { useState } from 'react';
import { AppFormDialog, DeleteAppDialog, type EditableApp } from '../../../components/app-dialogs.tsx';
import { DeploymentStatusBadge } from '../../../components/deployment-status.tsx';
import { EmptyState } from '../../../components/empty-state.tsx';
import { ListSkeleton } from '../../../components/list-skeleton.tsx';
import { PageHeader, PageHeaderSkeleton } from '../../../components/page-header.tsx';
import { Badge } from '../../../components/ui/badge.tsx';
import { Button } from '../../../components/ui/button.tsx';
import { Card } from '../../../components/ui/card.tsx';
import { DropdownMenu, DropdownMenuContent, DropdownMenuItem, DropdownMenuSeparator, DropdownMenuTrigger } from '../../../components/ui/dropdown-menu.tsx';
import { Skeleton } from '../../../components/ui/skeleton.tsx';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../../../components/ui/table.tsx';
import { type AppSummary, type DeploymentStatus, isActive } from '../../../lib/deployments.ts';
import { formatDateTime, formatRelative } from '../../../lib/format.ts';
import { canManageOrganization } from '../../../lib/permissions.ts';
import { useTRPC } from '../../../lib/trpc.ts';
import { useActiveOrganization } from '../../../lib/use-me.ts';

export const Route = createFileRoute('/_app/apps/')({
  loader: ({ context }) => context.queryClient.ensureQueryData(context.trpc.apps.list.queryOptions()),
  head: () => ({ meta: [{ title: 'Agent apps · Pixell Agent Cloud' }] }),
  pendingComponent: AppsSkeleton,
  component: AppsPage,
});

function toEditable(app: AppSummary): EditableApp {
  return { id: app.id, name: app.name, description: app.description, isPublic: app.isPublic };
}

function AppsPage() {
  const trpc = useTRPC();
  const navigate = useNavigate();
  const organization = useActiveOrganization();
  const canDelete = canManageOrganization(organization.role);
  const { data: apps } = useSuspenseQuery(trpc.apps.list.queryOptions());
  const [createOpen, setCreateOpen] = useState(false);
  const [editing, setEditing] = useState<EditableApp | null>(null);
  const [deleting, setDeleting] = useState<{ id: string; name: string } | null>(null);

  // The latest deployment of each app (one small query per app, sent as one batched request). While
  // one of them is running the list keeps itself fresh.
  const latest = useQueries({
    queries: apps.map((app) => ({
      ...trpc.deployments.list.queryOptions({ appId: app.id, limit: 1 }),
      refetchInterval: (query: { state: { data?: { status: DeploymentStatus }[] } }) => {
        const status = query.state.data?.[0]?.status;
        return status && isActive(status) ? 3000 : false;
      },
    })),
  });

  const createButton = (
    <Button onClick={() => setCreateOpen(true)}>
      <Plus aria-hidden="true" />
      Create agent app
    </Button>
  );

  return (
    <>
      <PageHeader
        title="Agent apps"
        description="Each agent app groups the packages you upload and the deployments made from them."
        actions={apps.length > 0 ? createButton : null}
      />
      {apps.length === 0 ? (
        <EmptyState
          icon={Bot}
          title="No agent apps yet"
          description={
            <>
              Create an agent app, then deploy an <span className="font-mono text-foreground">.apkg</span> package built with the Pixell
              CLI. Every version you upload is kept, so you can roll back at any time.
            </>
          }
        >
          {createButton}
        </EmptyState>
      ) : (
        <Card className="overflow-hidden">
          <Table>
            <TableHeader>
              <TableRow className="hover:bg-transparent">
                <TableHead className="pl-6">Name</TableHead>
                <TableHead>Live version</TableHead>
                <TableHead>Last deployment</TableHead>
                <TableHead>Packages</TableHead>
                <TableHead className="pr-6 text-right">
                  <span className="sr-only">Actions</span>
                </TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {apps.map((app, i) => {
                const last = latest[i];
                const deployment = last?.data?.[0];
                return (
                  <TableRow key={app.id}>
                    <TableCell className="max-w-80 whitespace-normal pl-6">
                      <div className="flex items-center gap-2">
                        <Link
                          to="/apps/$appId"
                          params={{ appId: app.id }}
                          className="font-medium text-foreground underline-offset-4 hover:underline"
                        >
                          {app.name}
                        </Link>
                        {app.isPublic ? (
                          <Badge variant="outline" title="Public app">
                            <Globe aria-hidden="true" />
                            Public
                          </Badge>
                        ) : (
                          <Lock className="size-3.5 text-muted-foreground" role="img" aria-label="Private app" />
                        )}
                      </div>
                      {app.description ? <p className="mt-0.5 line-clamp-1 text-xs text-muted-foreground">{app.description}</p> : null}
                    </TableCell>
                    <TableCell>
                      {app.activeVersion ? (
                        <Badge variant="success" className="font-mono">
                          v{app.activeVersion}
                        </Badge>
                      ) : (
                        <span className="text-muted-foreground">Not deployed</span>
                      )}
                    </TableCell>
                    <TableCell>
                      {last?.isPending ? (
                        <Skeleton className="h-5 w-28" />
                      ) : deployment ? (
                        <Link
                          to="/deployments/$deploymentId"
                          params={{ deploymentId: deployment.id }}
                          className="inline-flex items-center gap-2 rounded-md outline-none focus-visible:ring-2 focus-visible:ring-ring"
                        >
                          <DeploymentStatusBadge status={deployment.status} />
                          <span className="font-mono text-xs text-muted-foreground">v{deployment.version}</span>
                          <time className="text-xs text-muted-foreground" dateTime={new Date(deployment.createdAt).toISOString()} title={formatDateTime(deployment.createdAt)}>
                            {formatRelative(deployment.createdAt)}
                          </time>
                        </Link>
                      ) : last?.isError ? (
                        <span className="text-muted-foreground">Unavailable</span>
                      ) : (
                        <span className="text-muted-foreground">Never</span>
                      )}
                    </TableCell>
                    <TableCell className="text-muted-foreground">{app.packages.length}</TableCell>
                    <TableCell className="pr-6 text-right">
                      <div className="flex justify-end gap-1">
                        <Button asChild variant="ghost" size="sm">
                          <Link to="/apps/$appId/deploy" params={{ appId: app.id }}>
                            <Rocket aria-hidden="true" />
                            Deploy<span className="sr-only"> {app.name}</span>
                          </Link>
                        </Button>
                        <DropdownMenu>
                          <DropdownMenuTrigger asChild>
                            <Button variant="ghost" size="icon-sm" aria-label={`More actions for ${app.name}`}>
                              <MoreHorizontal aria-hidden="true" />
                            </Button>
                          </DropdownMenuTrigger>
                          <DropdownMenuContent align="end">
                            <DropdownMenuItem onSelect={() => void navigate({ to: '/apps/$appId', params: { appId: app.id } })}>
                              <Bot aria-hidden="true" />
                              Open
                            </DropdownMenuItem>
                            <DropdownMenuItem onSelect={() => setEditing(toEditable(app))}>
                              <Pencil aria-hidden="true" />
                              Edit
                            </DropdownMenuItem>
                            {canDelete ? (
                              <>
                                <DropdownMenuSeparator />
                                <DropdownMenuItem variant="destructive" onSelect={() => setDeleting({ id: app.id, name: app.name })}>
                                  <Trash2 aria-hidden="true" />
                                  Delete
                                </DropdownMenuItem>
                              </>
                            ) : null}
                          </DropdownMenuContent>
                        </DropdownMenu>
                      </div>
                    </TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        </Card>
      )}

      <AppFormDialog
        open={createOpen}
        onOpenChange={setCreateOpen}
        app={null}
        onSaved={(created) => void navigate({ to: '/apps/$appId', params: { appId: created.id } })}
      />
      <AppFormDialog open={editing !== null} onOpenChange={(open) => (open ? undefined : setEditing(null))} app={editing} />
      <DeleteAppDialog app={deleting} onClose={() => setDeleting(null)} />
    </>
  );
}

function AppsSkeleton() {
  return (
    <div role="status" aria-label="Loading agent apps">
      <PageHeaderSkeleton actionWidth="w-40" />
      <ListSkeleton rows={4} cells={['h-4 w-40', 'h-5 w-16 rounded-full', 'h-5 w-32 rounded-full', 'ml-auto h-4 w-24']} />
    </div>
  );
}
