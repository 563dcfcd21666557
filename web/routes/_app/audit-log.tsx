// Organization → Audit log: who did what, newest first, with filters kept in the URL. Owners and
// admins only (the API answers FORBIDDEN to members; the page says so instead of failing).
import { useQuery } from '@tanstack/react-query';
import { createFileRoute, Link, useNavigate } from '@tanstack/react-router';
import { ChevronDown, Filter, RotateCw, ScrollText, ShieldAlert, X } from 'lucide-react';
import { Fragment, useId, useState } from 'react';
import { z } from 'zod/mini';
import { EmptyState } from '../../components/empty-state.tsx';
import { ErrorState } from '../../components/error-state.tsx';
import { FilterSelect } from '../../components/filter-select.tsx';
import { ListFooter } from '../../components/list-footer.tsx';
import { ListSkeleton } from '../../components/list-skeleton.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { Badge } from '../../components/ui/badge.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Card } from '../../components/ui/card.tsx';
import { Input } from '../../components/ui/input.tsx';
import { Label } from '../../components/ui/label.tsx';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../../components/ui/table.tsx';
import { AUDIT_CATEGORIES, AUDIT_CATEGORY_NAMES, RESOURCE_TYPE_NAMES, RESOURCE_TYPES } from '../../lib/audit-categories.ts';
import { actionLabel, type AuditEntry, resourceTypeLabel, useAuditLogPages } from '../../lib/audit-log.ts';
import { appCodeOf, httpStatusOf } from '../../lib/errors.ts';
import { canManageOrganization } from '../../lib/permissions.ts';
import { optionalParam } from '../../lib/search-params.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { useActiveOrganization } from '../../lib/use-me.ts';
import { cn } from '../../lib/utils.ts';
import { Timestamp } from '../../components/timestamp.tsx';

const searchSchema = z.object({
  category: optionalParam(z.enum(AUDIT_CATEGORY_NAMES)),
  type: optionalParam(z.enum(RESOURCE_TYPE_NAMES)),
  resource: optionalParam(z.string().check(z.minLength(1), z.maxLength(200))),
  from: optionalParam(z.iso.date()),
  to: optionalParam(z.iso.date()),
});

type AuditSearch = z.infer<typeof searchSchema>;


export const Route = createFileRoute('/_app/audit-log')({
  validateSearch: searchSchema,
  head: () => ({ meta: [{ title: 'Audit log · Pixell Agent Cloud' }] }),
  component: AuditLogPage,
});

/** Local midnight of a YYYY-MM-DD date, as an ISO instant (`days` later when given). */
function localMidnight(date: string, days = 0): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(y, m - 1, d + days).toISOString();
}

function todayLocal(): string {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
}

function AuditLogPage() {
  const organization = useActiveOrganization();
  const allowed = canManageOrganization(organization.role);
  return (
    <>
      <PageHeader
        title="Audit log"
        description={
          <>
            Who did what in <span className="font-medium text-foreground">{organization.name}</span>, newest first. Secret values are never
            recorded, only key names.
          </>
        }
      />
      {allowed ? <AuditLogView /> : <OwnersOnly />}
    </>
  );
}

function OwnersOnly() {
  return (
    <EmptyState
      icon={ShieldAlert}
      title="Only owners and admins can view the audit log"
      description="The audit log shows every change made in this organization. Ask an owner or admin if you need to know who changed what."
    >
      <Button variant="outline" asChild>
        <Link to="/organization">Back to organization</Link>
      </Button>
    </EmptyState>
  );
}

function AuditLogView() {
  const trpc = useTRPC();
  const navigate = useNavigate({ from: Route.fullPath });
  const search = Route.useSearch();
  const fromId = useId();
  const toId = useId();
  const rangeErrorId = useId();
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const apps = useQuery(trpc.apps.list.queryOptions());
  const appNames = new Map((apps.data ?? []).map((a) => [a.id, a.name]));

  const rangeInvalid = Boolean(search.from && search.to && search.from > search.to);
  const pages = useAuditLogPages(
    {
      category: search.category,
      resource_type: search.type,
      resource_id: search.resource,
      from: search.from ? localMidnight(search.from) : undefined,
      to: search.to ? localMidnight(search.to, 1) : undefined,
    },
    { enabled: !rangeInvalid },
  );
  const filtered = Boolean(search.category || search.type || search.resource || search.from || search.to);
  const setSearch = (patch: Partial<AuditSearch>) => void navigate({ search: (prev) => ({ ...prev, ...patch }) });
  const clearFilters = () => void navigate({ search: {} });
  const forbidden = pages.isError && (appCodeOf(pages.error) === 'FORBIDDEN' || httpStatusOf(pages.error) === 403);

  if (forbidden) return <OwnersOnly />;

  const toggle = (id: string) =>
    setExpanded((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <>
      <div className="mb-4 flex flex-col gap-3 lg:flex-row lg:flex-wrap lg:items-end">
        <FilterSelect
          label="Category"
          allLabel="All activity"
          className="lg:w-56"
          value={search.category}
          options={AUDIT_CATEGORY_NAMES.map((name) => ({ value: name, label: AUDIT_CATEGORIES[name].label }))}
          onChange={(category) => setSearch({ category })}
        />
        <FilterSelect
          label="Resource type"
          allLabel="All resources"
          className="lg:w-48"
          value={search.type}
          options={RESOURCE_TYPE_NAMES.map((name) => ({ value: name, label: RESOURCE_TYPES[name] }))}
          onChange={(type) => setSearch({ type, resource: undefined })}
        />
        <div className="grid grid-cols-2 gap-3 lg:flex">
          <div className="grid gap-1.5 lg:w-40">
            <Label htmlFor={fromId}>From</Label>
            <Input
              id={fromId}
              type="date"
              value={search.from ?? ''}
              max={todayLocal()}
              aria-invalid={rangeInvalid || undefined}
              aria-describedby={rangeInvalid ? rangeErrorId : undefined}
              onChange={(e) => setSearch({ from: e.currentTarget.value || undefined })}
            />
          </div>
          <div className="grid gap-1.5 lg:w-40">
            <Label htmlFor={toId}>To</Label>
            <Input
              id={toId}
              type="date"
              value={search.to ?? ''}
              max={todayLocal()}
              aria-invalid={rangeInvalid || undefined}
              aria-describedby={rangeInvalid ? rangeErrorId : undefined}
              onChange={(e) => setSearch({ to: e.currentTarget.value || undefined })}
            />
          </div>
        </div>
        <div className="flex items-center gap-2">
          {filtered ? (
            <Button variant="ghost" onClick={clearFilters}>
              Clear filters
            </Button>
          ) : null}
          <Button variant="outline" onClick={() => void pages.refetch()} pending={pages.isRefetching && !pages.isFetchingNextPage} disabled={rangeInvalid}>
            {pages.isRefetching && !pages.isFetchingNextPage ? null : <RotateCw aria-hidden="true" />}
            Refresh
          </Button>
        </div>
      </div>
      {rangeInvalid ? (
        <p id={rangeErrorId} role="alert" className="-mt-2 mb-4 text-xs font-medium text-destructive">
          The start date is after the end date.
        </p>
      ) : null}
      {search.resource ? (
        <div className="mb-4 flex flex-wrap items-center gap-2 text-sm">
          <span className="text-muted-foreground">Only</span>
          <Badge variant="outline" className="gap-1.5 py-1 pr-1 font-normal">
            {search.type ? resourceTypeLabel(search.type) : 'resource'}{' '}
            <span className="font-mono">{appNames.get(search.resource) ?? shortId(search.resource)}</span>
            <button
              type="button"
              className="rounded-full p-0.5 outline-none hover:bg-muted focus-visible:ring-2 focus-visible:ring-ring"
              aria-label="Remove the resource filter"
              onClick={() => setSearch({ resource: undefined })}
            >
              <X aria-hidden="true" />
            </button>
          </Badge>
        </div>
      ) : null}

      {rangeInvalid ? null : pages.isPending ? (
        <ListSkeleton label="Loading the audit log" rows={6} cells={['h-4 w-20', 'h-4 w-40', 'h-4 w-36', 'ml-auto h-4 w-24']} />
      ) : pages.isError ? (
        <ErrorState title="Could not load the audit log" error={pages.error} onRetry={() => void pages.refetch()} retrying={pages.isFetching} />
      ) : pages.rows.length === 0 ? (
        filtered ? (
          <EmptyState icon={ScrollText} title="No matching entries" description="Nothing in the audit log matches these filters.">
            <Button variant="outline" onClick={clearFilters}>
              Clear filters
            </Button>
          </EmptyState>
        ) : (
          <EmptyState icon={ScrollText} title="No activity yet" description="Changes to apps, deployments, secrets, members and keys will be listed here." />
        )
      ) : (
        <>
          <Card className="overflow-hidden">
            <Table aria-label="Audit log entries">
              <TableHeader>
                <TableRow className="hover:bg-transparent">
                  <TableHead className="pl-6">When</TableHead>
                  <TableHead>Who</TableHead>
                  <TableHead>Action</TableHead>
                  <TableHead>Resource</TableHead>
                  <TableHead className="hidden md:table-cell">IP</TableHead>
                  <TableHead className="pr-6 text-right">Details</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {pages.rows.map((entry) => (
                  <AuditRow
                    key={entry.id}
                    entry={entry}
                    appNames={appNames}
                    expanded={expanded.has(entry.id)}
                    onToggle={() => toggle(entry.id)}
                    onFilterResource={() => setSearch({ type: entry.resourceType in RESOURCE_TYPES ? (entry.resourceType as AuditSearch['type']) : undefined, resource: entry.resourceId ?? undefined })}
                  />
                ))}
              </TableBody>
            </Table>
          </Card>
          <ListFooter
            shown={pages.rows.length}
            noun={['entry', 'entries']}
            hasMore={pages.hasNextPage}
            loadingMore={pages.isFetchingNextPage}
            onLoadMore={() => void pages.fetchNextPage()}
            countTestId="audit-count"
          />
        </>
      )}
    </>
  );
}

function shortId(id: string): string {
  return id.length > 12 ? `${id.slice(0, 8)}…` : id;
}

function metaString(meta: Record<string, unknown> | null, key: string): string | undefined {
  const v = meta?.[key];
  return typeof v === 'string' && v ? v : undefined;
}

/** A short, value-free hint of what an entry touched: secret key names, a name, an email, a version. */
function summarize(entry: AuditEntry): string | undefined {
  const meta = entry.metadata;
  if (!meta) return undefined;
  const keys = meta.keys;
  if (Array.isArray(keys) && keys.length > 0) {
    const names = keys.filter((k): k is string => typeof k === 'string');
    return names.length > 3 ? `${names.slice(0, 3).join(', ')} +${names.length - 3}` : names.join(', ');
  }
  const version = metaString(meta, 'version');
  return metaString(meta, 'key') ?? metaString(meta, 'name') ?? metaString(meta, 'email') ?? (version ? `v${version}` : undefined);
}

function AuditRow({
  entry,
  appNames,
  expanded,
  onToggle,
  onFilterResource,
}: {
  entry: AuditEntry;
  appNames: ReadonlyMap<string, string>;
  expanded: boolean;
  onToggle: () => void;
  onFilterResource: () => void;
}) {
  const detailsId = useId();
  const hasMetadata = entry.metadata !== null && Object.keys(entry.metadata).length > 0;
  const summary = summarize(entry);
  return (
    <Fragment>
      <TableRow data-testid="audit-entry" data-action={entry.action} className={cn(expanded && 'border-b-0 bg-muted/30')}>
        <TableCell className="pl-6 align-top text-muted-foreground">
          <Timestamp value={entry.createdAt} />
        </TableCell>
        <TableCell className="max-w-40 align-top sm:max-w-52">
          <Actor entry={entry} />
        </TableCell>
        <TableCell className="min-w-52 max-w-sm whitespace-normal align-top">
          <span className="block font-medium">{actionLabel(entry.action)}</span>
          <span className="block break-words font-mono text-xs text-muted-foreground">
            {entry.action}
            {summary ? <span className="font-sans"> · {summary}</span> : null}
          </span>
        </TableCell>
        <TableCell className="align-top">
          <div className="flex items-start gap-1">
            <div className="min-w-0">
              <span className="block text-xs text-muted-foreground">{resourceTypeLabel(entry.resourceType)}</span>
              <ResourceLink entry={entry} appNames={appNames} />
            </div>
            {entry.resourceId ? (
              <Button variant="ghost" size="icon-sm" className="size-6 text-muted-foreground" onClick={onFilterResource} title="Only this resource" aria-label={`Show only entries for this ${resourceTypeLabel(entry.resourceType).toLowerCase()}`}>
                <Filter className="size-3.5" aria-hidden="true" />
              </Button>
            ) : null}
          </div>
        </TableCell>
        <TableCell className="hidden align-top font-mono text-xs text-muted-foreground md:table-cell">{entry.ip ?? '—'}</TableCell>
        <TableCell className="pr-6 text-right align-top">
          {hasMetadata ? (
            <Button variant="ghost" size="sm" aria-expanded={expanded} aria-controls={detailsId} onClick={onToggle}>
              <ChevronDown className={cn('transition-transform', expanded && 'rotate-180')} aria-hidden="true" />
              {expanded ? 'Hide' : 'Show'}
              <span className="sr-only"> details of {actionLabel(entry.action)}</span>
            </Button>
          ) : (
            <span className="text-muted-foreground">—</span>
          )}
        </TableCell>
      </TableRow>
      {hasMetadata && expanded ? (
        <TableRow className="bg-muted/30 hover:bg-muted/30">
          <TableCell colSpan={6} className="px-6 pb-4 pt-0 whitespace-normal">
            <pre id={detailsId} data-testid="audit-metadata" className="max-h-72 overflow-auto rounded-lg border bg-card p-3 font-mono text-xs leading-relaxed">
              {JSON.stringify(entry.metadata, null, 2)}
            </pre>
          </TableCell>
        </TableRow>
      ) : null}
    </Fragment>
  );
}

function Actor({ entry }: { entry: AuditEntry }) {
  if (entry.actorApiKeyId) {
    return (
      <>
        <span className="block">
          API key <span className="font-mono text-xs" title={entry.actorApiKeyId}>{shortId(entry.actorApiKeyId)}</span>
        </span>
        {entry.actorEmail ? (
          <span className="block truncate text-xs text-muted-foreground" title={entry.actorEmail}>
            created by {entry.actorEmail}
          </span>
        ) : null}
      </>
    );
  }
  if (entry.actorUserId) {
    return entry.actorEmail ? (
      <span className="block truncate" title={entry.actorEmail}>
        {entry.actorEmail}
      </span>
    ) : (
      <span className="text-muted-foreground" title={entry.actorUserId}>
        Deleted user
      </span>
    );
  }
  return <Badge variant="secondary">System</Badge>;
}

const linkClass = 'rounded-sm font-medium text-primary underline-offset-4 outline-none hover:underline focus-visible:ring-2 focus-visible:ring-ring';

function ResourceLink({ entry, appNames }: { entry: AuditEntry; appNames: ReadonlyMap<string, string> }) {
  const id = entry.resourceId;
  if (!id) return <span className="text-muted-foreground">—</span>;
  const meta = entry.metadata;
  if (entry.resourceType === 'agent_app') {
    const name = appNames.get(id);
    return name ? (
      <Link to="/apps/$appId" params={{ appId: id }} className={linkClass}>
        {name}
      </Link>
    ) : (
      <span className="font-mono text-xs" title={id}>
        {metaString(meta, 'name') ?? shortId(id)} <span className="font-sans text-muted-foreground">(deleted)</span>
      </span>
    );
  }
  if (entry.resourceType === 'deployment') {
    return (
      <Link to="/deployments/$deploymentId" params={{ deploymentId: id }} className={cn(linkClass, 'font-mono text-xs')} title={id}>
        {shortId(id)}
      </Link>
    );
  }
  const appId = metaString(meta, 'app_id') ?? metaString(meta, 'appId');
  if ((entry.resourceType === 'package' || entry.resourceType === 'webhook') && appId && appNames.has(appId)) {
    return (
      <Link to="/apps/$appId" params={{ appId }} search={{ tab: entry.resourceType === 'package' ? 'packages' : 'webhooks' }} className={linkClass} title={id}>
        {appNames.get(appId)}
        {entry.resourceType === 'package' && metaString(meta, 'version') ? ` v${metaString(meta, 'version')}` : ''}
      </Link>
    );
  }
  return (
    <span className="font-mono text-xs" title={id}>
      {shortId(id)}
    </span>
  );
}
