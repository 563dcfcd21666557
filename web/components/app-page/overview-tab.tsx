import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { ArrowRight, Package, Rocket, Signal } from 'lucide-react';
import { type AppDetail, formatBytes, isActive } from '../../lib/deployments.ts';
import { formatRelative } from '../../lib/format.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { DeploymentStatusBadge } from '../deployment-status.tsx';
import { DeploymentsTable } from '../deployments-table.tsx';
import { ErrorState } from '../error-state.tsx';
import { Button } from '../ui/button.tsx';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../ui/card.tsx';
import { Skeleton } from '../ui/skeleton.tsx';
import { Timestamp } from '../timestamp.tsx';

export function OverviewTab({ app }: { app: AppDetail }) {
  const trpc = useTRPC();
  const recent = useQuery({
    ...trpc.deployments.list.queryOptions({ appId: app.id, limit: 5 }),
    refetchInterval: (query) => (query.state.data?.some((d) => isActive(d.status)) ? 3000 : false),
  });
  const live = app.packages.find((p) => p.id === app.activePackageId) ?? null;
  const latestPackage = app.packages[0] ?? null;
  const last = recent.data?.[0];

  return (
    <div className="grid gap-6">
      <div className="grid gap-4 md:grid-cols-3">
        <Card>
          <CardHeader className="flex-row items-center justify-between pb-2">
            <CardDescription className="font-medium">Live version</CardDescription>
            <Signal className="size-4 text-muted-foreground" aria-hidden="true" />
          </CardHeader>
          <CardContent>
            {live ? (
              <>
                <p className="font-mono text-2xl font-semibold tracking-tight">v{live.version}</p>
                <p className="mt-1 text-xs text-muted-foreground">
                  {formatBytes(live.size)} · uploaded {formatRelative(live.createdAt)}
                </p>
              </>
            ) : (
              <>
                <p className="text-2xl font-semibold tracking-tight text-muted-foreground">None</p>
                <p className="mt-1 text-xs text-muted-foreground">Deploy a package to make this agent live.</p>
              </>
            )}
          </CardContent>
        </Card>
        <Card>
          <CardHeader className="flex-row items-center justify-between pb-2">
            <CardDescription className="font-medium">Packages</CardDescription>
            <Package className="size-4 text-muted-foreground" aria-hidden="true" />
          </CardHeader>
          <CardContent>
            <p className="text-2xl font-semibold tracking-tight">{app.packages.length}</p>
            <p className="mt-1 text-xs text-muted-foreground">
              {latestPackage ? (
                <>
                  Latest <span className="font-mono">v{latestPackage.version}</span>, {formatRelative(latestPackage.createdAt)}
                </>
              ) : (
                'No package uploaded yet'
              )}
            </p>
          </CardContent>
        </Card>
        <Card>
          <CardHeader className="flex-row items-center justify-between pb-2">
            <CardDescription className="font-medium">Last deployment</CardDescription>
            <Rocket className="size-4 text-muted-foreground" aria-hidden="true" />
          </CardHeader>
          <CardContent>
            {recent.isPending ? (
              <Skeleton className="h-8 w-32" />
            ) : last ? (
              <>
                <Link
                  to="/deployments/$deploymentId"
                  params={{ deploymentId: last.id }}
                  className="inline-flex items-center gap-2 rounded-md outline-none focus-visible:ring-2 focus-visible:ring-ring"
                >
                  <DeploymentStatusBadge status={last.status} className="text-sm" />
                  <span className="font-mono text-sm">v{last.version}</span>
                </Link>
                <p className="mt-2 text-xs text-muted-foreground">
                  <Timestamp value={last.createdAt} />
                </p>
              </>
            ) : (
              <p className="text-2xl font-semibold tracking-tight text-muted-foreground">{recent.isError ? '—' : 'Never'}</p>
            )}
          </CardContent>
        </Card>
      </div>

      <Card className="overflow-hidden">
        <CardHeader className="flex-row items-center justify-between">
          <div className="grid gap-1.5">
            <CardTitle>Recent deployments</CardTitle>
            <CardDescription>The last five deployments of this app.</CardDescription>
          </div>
          <Button asChild variant="link" size="sm">
            <Link to="/apps/$appId" params={{ appId: app.id }} search={{ tab: 'deployments' }}>
              View all <ArrowRight aria-hidden="true" />
            </Link>
          </Button>
        </CardHeader>
        {recent.isPending ? (
          <CardContent className="grid gap-3" role="status" aria-label="Loading deployments">
            <Skeleton className="h-5 w-full" />
            <Skeleton className="h-5 w-full" />
            <Skeleton className="h-5 w-2/3" />
          </CardContent>
        ) : recent.isError ? (
          <CardContent>
            <ErrorState title="Could not load deployments" error={recent.error} onRetry={() => void recent.refetch()} retrying={recent.isFetching} />
          </CardContent>
        ) : recent.data.length === 0 ? (
          <CardContent>
            <div className="flex flex-col items-start gap-3 rounded-lg border border-dashed px-4 py-6 text-sm text-muted-foreground sm:flex-row sm:items-center sm:justify-between">
              <span className="flex items-center gap-3">
                <Rocket className="size-5 shrink-0" aria-hidden="true" />
                No deployments yet. Upload a package to deploy this agent.
              </span>
              <Button asChild size="sm">
                <Link to="/apps/$appId/deploy" params={{ appId: app.id }}>
                  Deploy a package
                </Link>
              </Button>
            </div>
          </CardContent>
        ) : (
          <DeploymentsTable rows={recent.data} className="border-t" />
        )}
      </Card>
    </div>
  );
}
