import { Link, useNavigate } from '@tanstack/react-router';
import { ArrowRight } from 'lucide-react';
import { type Deployment, deploymentDuration, formatDuration, KIND_LABELS } from '../lib/deployments.ts';
import { cn } from '../lib/utils.ts';
import { DeploymentStatusBadge } from './deployment-status.tsx';
import { Badge } from './ui/badge.tsx';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from './ui/table.tsx';
import { Timestamp } from './timestamp.tsx';

type Row = Pick<Deployment, 'id' | 'appId' | 'version' | 'status' | 'kind' | 'createdAt' | 'queuedAt' | 'startedAt' | 'completedAt'>;

/** Deployments as a table; a row opens its deployment view (the version is the keyboard link). */
export function DeploymentsTable({
  rows,
  appNames,
  now = Date.now(),
  className,
}: {
  rows: Row[];
  /** When given, an "App" column shows each deployment's app name. */
  appNames?: Map<string, string>;
  now?: number;
  className?: string;
}) {
  const navigate = useNavigate();
  return (
    <Table className={className}>
      <TableHeader>
        <TableRow className="hover:bg-transparent">
          {appNames ? <TableHead className="pl-6">App</TableHead> : null}
          <TableHead className={appNames ? undefined : 'pl-6'}>Version</TableHead>
          <TableHead>Status</TableHead>
          <TableHead>Started</TableHead>
          <TableHead>Duration</TableHead>
          <TableHead>Kind</TableHead>
          <TableHead className="pr-6 text-right">
            <span className="sr-only">Open</span>
          </TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {rows.map((d) => {
          const started = d.startedAt ?? d.queuedAt ?? d.createdAt;
          const duration = deploymentDuration(d, now);
          return (
            <TableRow
              key={d.id}
              className="cursor-pointer"
              onClick={(event) => {
                if ((event.target as HTMLElement).closest('a,button')) return;
                void navigate({ to: '/deployments/$deploymentId', params: { deploymentId: d.id } });
              }}
            >
              {appNames ? (
                <TableCell className="pl-6 font-medium">
                  <Link to="/apps/$appId" params={{ appId: d.appId }} className="underline-offset-4 hover:underline">
                    {appNames.get(d.appId) ?? 'Deleted app'}
                  </Link>
                </TableCell>
              ) : null}
              <TableCell className={cn(appNames ? undefined : 'pl-6')}>
                <Link
                  to="/deployments/$deploymentId"
                  params={{ deploymentId: d.id }}
                  className="font-mono text-sm font-medium underline-offset-4 hover:underline"
                  aria-label={`Deployment of version ${d.version}${appNames ? ` of ${appNames.get(d.appId) ?? 'a deleted app'}` : ''}`}
                >
                  v{d.version}
                </Link>
              </TableCell>
              <TableCell>
                <DeploymentStatusBadge status={d.status} />
              </TableCell>
              <TableCell className="text-muted-foreground">
                <Timestamp value={started} />
              </TableCell>
              <TableCell className="tabular-nums text-muted-foreground">{duration === null ? '—' : formatDuration(duration)}</TableCell>
              <TableCell>
                <Badge variant="outline">{KIND_LABELS[d.kind]}</Badge>
              </TableCell>
              <TableCell className="pr-6 text-right text-muted-foreground">
                <ArrowRight className="ml-auto size-4" aria-hidden="true" />
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
