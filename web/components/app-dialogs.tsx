// Creating, editing and deleting agent apps: used by the apps list and the app page.
import { useMutation } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { toast } from 'sonner';
import { errorMessage } from '../lib/errors.ts';
import { readForm, useSchemaForm } from '../lib/forms.ts';
import { createAppInput, updateAppInput } from '../lib/schemas.ts';
import { queryClient, useTRPC } from '../lib/trpc.ts';
import { ConfirmDialog } from './confirm-dialog.tsx';
import { FormAlert } from './form-alert.tsx';
import { DialogForm, FormDialog } from './form-dialog.tsx';
import { TextField } from './text-field.tsx';
import { Label } from './ui/label.tsx';
import { Switch } from './ui/switch.tsx';
import { Textarea } from './ui/textarea.tsx';

export type EditableApp = { id: string; name: string; description: string; isPublic: boolean };

/** Create (app = null) or edit an app. */
export function AppFormDialog({
  open,
  onOpenChange,
  app,
  onSaved,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  app: EditableApp | null;
  onSaved?: (app: { id: string; name: string }) => void;
}) {
  return (
    <FormDialog
      open={open}
      onOpenChange={onOpenChange}
      title={app ? 'Edit agent app' : 'Create agent app'}
      description={
        app ? 'Rename the app or change its description and visibility.' : 'An agent app holds the packages you upload and the deployments made from them.'
      }
    >
      <AppForm
        app={app}
        onDone={(saved) => {
          onOpenChange(false);
          onSaved?.(saved);
        }}
      />
    </FormDialog>
  );
}

function AppForm({ app, onDone }: { app: EditableApp | null; onDone: (app: { id: string; name: string }) => void }) {
  const trpc = useTRPC();
  const descriptionId = useId();
  const publicId = useId();
  const form = useSchemaForm();
  const { errors } = form;
  const [isPublic, setIsPublic] = useState(app?.isPublic ?? false);

  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.apps.pathKey() });
  const create = useMutation(
    trpc.apps.create.mutationOptions({
      onSuccess: async (created) => {
        toast.success(`Agent app ${created.name} created`);
        onDone(created);
        await refresh();
      },
      onError: form.onError,
    }),
  );
  const update = useMutation(
    trpc.apps.update.mutationOptions({
      onSuccess: async (updated) => {
        toast.success(`Agent app ${updated.name} saved`);
        onDone(updated);
        await refresh();
      },
      onError: form.onError,
    }),
  );
  const pending = create.isPending || update.isPending;

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const fields = readForm(event.currentTarget);
    const values = { name: fields.name ?? '', description: fields.description ?? '', is_public: isPublic };
    if (app) form.submit(updateAppInput, values, (patch) => update.mutate({ id: app.id, patch }));
    else form.submit(createAppInput, values, create.mutate);
  }

  return (
    <DialogForm onSubmit={onSubmit} error={form.formError} pending={pending} submitLabel={app ? 'Save changes' : 'Create agent app'}>
      <TextField label="Name" {...form.field('name')} autoFocus required maxLength={100} placeholder="support-triage" defaultValue={app?.name} />
      <div className="grid gap-2">
        <Label htmlFor={descriptionId}>
          Description <span className="font-normal text-muted-foreground">(optional)</span>
        </Label>
        <Textarea
          id={descriptionId}
          name="description"
          maxLength={2000}
          rows={3}
          defaultValue={app?.description}
          placeholder="What this agent does"
          aria-invalid={errors.description ? true : undefined}
          aria-describedby={errors.description ? `${descriptionId}-error` : undefined}
          onInput={() => form.clear('description')}
        />
        {errors.description ? (
          <p id={`${descriptionId}-error`} className="text-xs font-medium text-destructive">
            {errors.description}
          </p>
        ) : null}
      </div>
      <div className="flex items-start justify-between gap-4 rounded-lg border p-3">
        <div className="grid gap-1">
          <Label htmlFor={publicId}>Public</Label>
          <p id={`${publicId}-hint`} className="text-xs text-muted-foreground">
            Public apps can be discovered by people outside your organization.
          </p>
        </div>
        <Switch id={publicId} checked={isPublic} onCheckedChange={setIsPublic} aria-describedby={`${publicId}-hint`} />
      </div>
    </DialogForm>
  );
}

/** Asks before deleting; the server refuses (409) while a deployment runs, and the message is shown here. */
export function DeleteAppDialog({ app, onClose, onDeleted }: { app: { id: string; name: string } | null; onClose: () => void; onDeleted?: () => void }) {
  const trpc = useTRPC();
  const [error, setError] = useState<string | null>(null);
  const remove = useMutation(
    trpc.apps.delete.mutationOptions({
      onSuccess: async () => {
        toast.success(`Agent app ${app?.name ?? ''} deleted`);
        setError(null);
        onClose();
        onDeleted?.();
        queryClient.removeQueries({ queryKey: trpc.apps.get.queryKey({ id: app?.id ?? '' }) });
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.apps.list.queryKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.deployments.pathKey() }),
        ]);
      },
      onError: (e) => setError(errorMessage(e)),
    }),
  );
  return (
    <ConfirmDialog
      open={app !== null}
      onOpenChange={(open) => {
        if (!open) {
          setError(null);
          onClose();
        }
      }}
      title={`Delete “${app?.name ?? ''}”?`}
      description={
        <>
          <p>Its packages, deployment history and webhooks are deleted with it. This cannot be undone.</p>
          {error ? <FormAlert>{error}</FormAlert> : null}
        </>
      }
      confirmLabel="Delete agent app"
      pending={remove.isPending}
      onConfirm={() => app && remove.mutate({ id: app.id })}
    />
  );
}
