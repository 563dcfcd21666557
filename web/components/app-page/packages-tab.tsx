import { useMutation } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { BadgeCheck, Download, History, Package, ShieldQuestion, Trash2, TriangleAlert } from 'lucide-react';
import { useState } from 'react';
import { toast } from 'sonner';
import { type AppDetail, formatBytes, type PackageRow } from '../../lib/deployments.ts';
import { errorMessage } from '../../lib/errors.ts';
import { queryClient, useTRPC } from '../../lib/trpc.ts';
import { ConfirmDialog } from '../confirm-dialog.tsx';
import { RollbackDialog, type RollbackTarget } from '../deployment-actions.tsx';
import { EmptyState } from '../empty-state.tsx';
import { FormAlert } from '../form-alert.tsx';
import { Badge } from '../ui/badge.tsx';
import { Button } from '../ui/button.tsx';
import { Card } from '../ui/card.tsx';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../ui/table.tsx';
import { Timestamp } from '../timestamp.tsx';

function SignatureBadge({ status }: { status: PackageRow['signatureStatus'] }) {
  if (status === 'verified') {
    return (
      <Badge variant="success" title="Signed with one of the app's trusted keys">
        <BadgeCheck aria-hidden="true" />
        Verified
      </Badge>
    );
  }
  if (status === 'unverified') {
    return (
      <Badge variant="warning" title="A signature was uploaded but the app has no trusted keys to check it against">
        <ShieldQuestion aria-hidden="true" />
        Unverified
      </Badge>
    );
  }
  return <Badge variant="secondary">Unsigned</Badge>;
}

export function PackagesTab({ app }: { app: AppDetail }) {
  const [rollingBack, setRollingBack] = useState<RollbackTarget | null>(null);
  const [deleting, setDeleting] = useState<PackageRow | null>(null);

  if (app.packages.length === 0) {
    return (
      <EmptyState icon={Package} title="No packages yet" description="Every .apkg you deploy is kept here, so you can download it again or roll back to it later.">
        <Button asChild>
          <Link to="/apps/$appId/deploy" params={{ appId: app.id }}>
            Deploy a package
          </Link>
        </Button>
      </EmptyState>
    );
  }

  return (
    <>
      <Card className="overflow-hidden">
        <Table aria-label="Packages">
          <TableHeader>
            <TableRow className="hover:bg-transparent">
              <TableHead className="pl-6">Version</TableHead>
              <TableHead>Size</TableHead>
              <TableHead>Uploaded</TableHead>
              <TableHead>Signature</TableHead>
              <TableHead>Notes</TableHead>
              <TableHead className="pr-6 text-right">
                <span className="sr-only">Actions</span>
              </TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {app.packages.map((pkg) => {
              const live = pkg.id === app.activePackageId;
              return (
                <TableRow key={pkg.id} data-testid={`package-${pkg.version}`}>
                  <TableCell className="pl-6">
                    <div className="flex items-center gap-2">
                      <span className="font-mono font-medium">v{pkg.version}</span>
                      {live ? <Badge variant="success">Live</Badge> : null}
                    </div>
                  </TableCell>
                  <TableCell className="tabular-nums text-muted-foreground">{formatBytes(pkg.size)}</TableCell>
                  <TableCell className="text-muted-foreground">
                    <Timestamp value={pkg.createdAt} />
                  </TableCell>
                  <TableCell>
                    <SignatureBadge status={pkg.signatureStatus} />
                  </TableCell>
                  <TableCell className="max-w-72 whitespace-normal text-xs text-muted-foreground">
                    {pkg.releaseNotes ? <p className="line-clamp-2" title={pkg.releaseNotes}>{pkg.releaseNotes}</p> : null}
                    {pkg.warnings.length > 0 ? (
                      <details className="mt-1 text-amber-800">
                        <summary className="inline-flex cursor-pointer items-center gap-1 rounded-sm font-medium outline-none focus-visible:ring-2 focus-visible:ring-ring">
                          <TriangleAlert className="size-3.5" aria-hidden="true" />
                          {pkg.warnings.length} {pkg.warnings.length === 1 ? 'warning' : 'warnings'}
                        </summary>
                        <ul className="mt-1 list-disc space-y-0.5 pl-5">
                          {pkg.warnings.map((w, i) => (
                            <li key={i}>{w}</li>
                          ))}
                        </ul>
                      </details>
                    ) : null}
                    {!pkg.releaseNotes && pkg.warnings.length === 0 ? '—' : null}
                  </TableCell>
                  <TableCell className="pr-6 text-right">
                    <div className="flex justify-end gap-1">
                      <Button asChild variant="ghost" size="sm">
                        <a href={pkg.downloadUrl} download={`${app.name}-${pkg.version}.apkg`}>
                          <Download aria-hidden="true" />
                          Download<span className="sr-only"> version {pkg.version}</span>
                        </a>
                      </Button>
                      {live ? null : (
                        <Button
                          variant="ghost"
                          size="sm"
                          onClick={() => setRollingBack({ appId: app.id, packageId: pkg.id, version: pkg.version, size: pkg.size })}
                        >
                          <History aria-hidden="true" />
                          {app.activePackageId ? 'Roll back to this version' : 'Deploy this version'}
                          <span className="sr-only"> ({pkg.version})</span>
                        </Button>
                      )}
                      <Button
                        variant="ghost"
                        size="sm"
                        className="text-destructive hover:bg-red-50 hover:text-destructive"
                        disabled={live}
                        title={live ? 'The live version cannot be deleted' : undefined}
                        onClick={() => setDeleting(pkg)}
                      >
                        <Trash2 aria-hidden="true" />
                        Delete<span className="sr-only"> version {pkg.version}</span>
                      </Button>
                    </div>
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      </Card>
      <RollbackDialog target={rollingBack} onClose={() => setRollingBack(null)} />
      <DeletePackageDialog appId={app.id} pkg={deleting} onClose={() => setDeleting(null)} />
    </>
  );
}

function DeletePackageDialog({ appId, pkg, onClose }: { appId: string; pkg: PackageRow | null; onClose: () => void }) {
  const trpc = useTRPC();
  const [error, setError] = useState<string | null>(null);
  const remove = useMutation(
    trpc.packages.delete.mutationOptions({
      onSuccess: async () => {
        toast.success(`Version ${pkg?.version ?? ''} deleted`);
        setError(null);
        onClose();
        await queryClient.invalidateQueries({ queryKey: trpc.apps.pathKey() });
        await queryClient.invalidateQueries({ queryKey: trpc.packages.pathKey() });
      },
      onError: (e) => setError(errorMessage(e)),
    }),
  );
  return (
    <ConfirmDialog
      open={pkg !== null}
      onOpenChange={(open) => {
        if (!open) {
          setError(null);
          onClose();
        }
      }}
      title={`Delete version ${pkg?.version ?? ''}?`}
      description={
        <>
          <p>The package file and its signature are deleted; you will not be able to roll back to this version. Past deployments of it stay in the history.</p>
          {error ? <FormAlert>{error}</FormAlert> : null}
        </>
      }
      confirmLabel="Delete package"
      pending={remove.isPending}
      onConfirm={() => pkg && remove.mutate({ appId, packageId: pkg.id })}
    />
  );
}
