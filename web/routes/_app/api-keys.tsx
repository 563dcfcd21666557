import { useMutation, useSuspenseQuery } from '@tanstack/react-query';
import { createFileRoute } from '@tanstack/react-router';
import { KeyRound, Plus, RefreshCw, Trash2 } from 'lucide-react';
import { useState } from 'react';
import { toast } from 'sonner';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { CopySecretDialog } from '../../components/copy-secret.tsx';
import { EmptyState } from '../../components/empty-state.tsx';
import { DialogForm, FormDialog } from '../../components/form-dialog.tsx';
import { ListSkeleton } from '../../components/list-skeleton.tsx';
import { PageHeader, PageHeaderSkeleton } from '../../components/page-header.tsx';
import { TextField } from '../../components/text-field.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Card } from '../../components/ui/card.tsx';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../../components/ui/table.tsx';
import { errorMessage } from '../../lib/errors.ts';
import { formatDate } from '../../lib/format.ts';
import { useSchemaForm } from '../../lib/forms.ts';
import { createApiKeyInput } from '../../lib/schemas.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { Timestamp } from '../../components/timestamp.tsx';

export const Route = createFileRoute('/_app/api-keys')({
  loader: ({ context }) => context.queryClient.ensureQueryData(context.trpc.apiKeys.list.queryOptions()),
  head: () => ({ meta: [{ title: 'API keys · Pixell Agent Cloud' }] }),
  pendingComponent: ApiKeysSkeleton,
  component: ApiKeysPage,
});

type ApiKeyRow = { id: string; name: string; keyPreview: string; lastUsedAt: Date | null; createdAt: Date; createdBy: { id: string; email: string } | null };
/** A key just created or rotated: the only moment its full value is known to the browser. */
type RevealedKey = { name: string; key: string; rotated: boolean };

function ApiKeysPage() {
  const trpc = useTRPC();
  const { data: keys } = useSuspenseQuery(trpc.apiKeys.list.queryOptions());
  const [createOpen, setCreateOpen] = useState(false);
  const [revealed, setRevealed] = useState<RevealedKey | null>(null);
  const [rotating, setRotating] = useState<ApiKeyRow | null>(null);
  const [deleting, setDeleting] = useState<ApiKeyRow | null>(null);

  const createButton = (
    <Button onClick={() => setCreateOpen(true)}>
      <Plus aria-hidden="true" />
      Create API key
    </Button>
  );

  return (
    <>
      <PageHeader
        title="API keys"
        description="Keys authenticate the CLI, CI jobs and scripts against the REST API. They act with your role in this organization."
        actions={keys.length > 0 ? createButton : null}
      />
      {keys.length === 0 ? (
        <EmptyState
          icon={KeyRound}
          title="No API keys yet"
          description="Create a key to call the API from the command line, CI or your own code. Send it as a Bearer token:"
        >
          <CurlExample />
          {createButton}
        </EmptyState>
      ) : (
        <>
          <Card className="overflow-hidden">
            <Table>
              <TableHeader>
                <TableRow className="hover:bg-transparent">
                  <TableHead>Name</TableHead>
                  <TableHead>Key</TableHead>
                  <TableHead>Created by</TableHead>
                  <TableHead>Created</TableHead>
                  <TableHead>Last used</TableHead>
                  <TableHead className="text-right">
                    <span className="sr-only">Actions</span>
                  </TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {keys.map((key) => (
                  <TableRow key={key.id}>
                    <TableCell className="font-medium">{key.name}</TableCell>
                    <TableCell>
                      <code className="rounded bg-muted px-1.5 py-0.5 font-mono text-xs">{key.keyPreview}</code>
                    </TableCell>
                    <TableCell className="text-muted-foreground">{key.createdBy?.email ?? '—'}</TableCell>
                    <TableCell className="text-muted-foreground">
                      <Timestamp value={key.createdAt} show={formatDate} />
                    </TableCell>
                    <TableCell className="text-muted-foreground">
                      {key.lastUsedAt ? (
                        <Timestamp value={key.lastUsedAt} />
                      ) : (
                        'Never'
                      )}
                    </TableCell>
                    <TableCell className="text-right">
                      <div className="flex justify-end gap-1">
                        <Button variant="ghost" size="sm" onClick={() => setRotating(key)}>
                          <RefreshCw aria-hidden="true" />
                          Rotate<span className="sr-only"> {key.name}</span>
                        </Button>
                        <Button variant="ghost" size="sm" className="text-destructive hover:bg-red-50 hover:text-destructive" onClick={() => setDeleting(key)}>
                          <Trash2 aria-hidden="true" />
                          Delete<span className="sr-only"> {key.name}</span>
                        </Button>
                      </div>
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </Card>
          <div className="mt-8 grid gap-2">
            <h2 className="text-sm font-semibold">Using a key</h2>
            <p className="text-sm text-muted-foreground">Send it in the Authorization header of every request:</p>
            <CurlExample />
          </div>
        </>
      )}

      <CreateApiKeyDialog
        open={createOpen}
        onOpenChange={setCreateOpen}
        onCreated={(apiKey) => {
          setCreateOpen(false);
          setRevealed({ name: apiKey.name, key: apiKey.key, rotated: false });
        }}
      />
      <RevealKeyDialog revealed={revealed} onClose={() => setRevealed(null)} />
      <RotateKeyDialog
        apiKey={rotating}
        onClose={() => setRotating(null)}
        onRotated={(apiKey) => {
          setRotating(null);
          setRevealed({ name: apiKey.name, key: apiKey.key, rotated: true });
        }}
      />
      <DeleteKeyDialog apiKey={deleting} onClose={() => setDeleting(null)} />
    </>
  );
}

function CurlExample() {
  const command = `curl -H "Authorization: Bearer pac_…" ${window.location.origin}/api/organizations/current`;
  return (
    <pre className="w-full max-w-2xl overflow-x-auto rounded-lg bg-zinc-900 px-4 py-3 text-left font-mono text-xs leading-relaxed text-zinc-100">
      <code>{command}</code>
    </pre>
  );
}

/**
 * Creating happens in one dialog and revealing in another so that the secret lives in exactly one
 * place and disappears when that dialog closes.
 */
function CreateApiKeyDialog({
  open,
  onOpenChange,
  onCreated,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onCreated: (apiKey: { name: string; key: string }) => void;
}) {
  return (
    <FormDialog
      open={open}
      onOpenChange={onOpenChange}
      title="Create API key"
      description="Give the key a name that says where it is used, like “GitHub Actions” or “Local CLI”."
    >
      <CreateApiKeyForm onCreated={onCreated} />
    </FormDialog>
  );
}

function CreateApiKeyForm({ onCreated }: { onCreated: (apiKey: { name: string; key: string }) => void }) {
  const trpc = useTRPC();
  const { queryClient } = Route.useRouteContext();
  const form = useSchemaForm();
  const create = useMutation(
    trpc.apiKeys.create.mutationOptions({
      onSuccess: async ({ apiKey }) => {
        onCreated(apiKey);
        toast.success(`API key ${apiKey.name} created`);
        await queryClient.invalidateQueries({ queryKey: trpc.apiKeys.list.queryKey() });
      },
      onError: form.onError,
    }),
  );

  return (
    <DialogForm onSubmit={form.handleSubmit(createApiKeyInput, create.mutate)} error={form.formError} pending={create.isPending} submitLabel="Create key">
      <TextField label="Name" {...form.field('name')} autoFocus required maxLength={100} placeholder="CI deploys" />
    </DialogForm>
  );
}

function RevealKeyDialog({ revealed, onClose }: { revealed: RevealedKey | null; onClose: () => void }) {
  return (
    <CopySecretDialog
      shown={
        revealed && {
          title: revealed.rotated ? 'Your new API key' : 'Save your API key',
          description: revealed.rotated
            ? `“${revealed.name}” has a new secret. Update every client that used the old one.`
            : `“${revealed.name}” is ready to use.`,
          value: revealed.key,
        }
      }
      onClose={onClose}
      label="API key"
    />
  );
}

function RotateKeyDialog({
  apiKey,
  onClose,
  onRotated,
}: {
  apiKey: ApiKeyRow | null;
  onClose: () => void;
  onRotated: (apiKey: { name: string; key: string }) => void;
}) {
  const trpc = useTRPC();
  const { queryClient } = Route.useRouteContext();
  const rotate = useMutation(
    trpc.apiKeys.rotate.mutationOptions({
      onSuccess: async (result) => {
        onRotated(result.apiKey);
        toast.success(`API key ${result.apiKey.name} rotated`);
        await queryClient.invalidateQueries({ queryKey: trpc.apiKeys.list.queryKey() });
      },
      onError: (error) => toast.error(errorMessage(error)),
    }),
  );
  return (
    <ConfirmDialog
      open={apiKey !== null}
      onOpenChange={(open) => (open ? undefined : onClose())}
      title={`Rotate “${apiKey?.name ?? ''}”?`}
      description={
        <>
          <p>A new secret is generated for this key. The current secret stops working immediately: requests using it are rejected.</p>
          <p>You will see the new secret once, right after rotating.</p>
        </>
      }
      confirmLabel="Rotate key"
      pending={rotate.isPending}
      onConfirm={() => apiKey && rotate.mutate({ id: apiKey.id })}
    />
  );
}

function DeleteKeyDialog({ apiKey, onClose }: { apiKey: ApiKeyRow | null; onClose: () => void }) {
  const trpc = useTRPC();
  const { queryClient } = Route.useRouteContext();
  const remove = useMutation(
    trpc.apiKeys.delete.mutationOptions({
      onSuccess: async () => {
        toast.success(`API key ${apiKey?.name ?? ''} deleted`);
        onClose();
        await queryClient.invalidateQueries({ queryKey: trpc.apiKeys.list.queryKey() });
      },
      onError: (error) => toast.error(errorMessage(error)),
    }),
  );
  return (
    <ConfirmDialog
      open={apiKey !== null}
      onOpenChange={(open) => (open ? undefined : onClose())}
      title={`Delete “${apiKey?.name ?? ''}”?`}
      description={<p>Clients using this key lose access immediately. This cannot be undone.</p>}
      confirmLabel="Delete key"
      pending={remove.isPending}
      onConfirm={() => apiKey && remove.mutate({ id: apiKey.id })}
    />
  );
}

function ApiKeysSkeleton() {
  return (
    <div role="status" aria-label="Loading API keys">
      <PageHeaderSkeleton actionWidth="w-36" />
      <ListSkeleton rows={4} cells={['h-4 w-32', 'h-4 w-40', 'h-4 w-48', 'ml-auto h-4 w-24']} />
    </div>
  );
}
