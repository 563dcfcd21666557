// Creating, editing and deleting agent apps: used by the apps list and the app page.
import { useMutation } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { toast } from 'sonner';
import { errorMessage } from '../lib/errors.ts';
import { useFieldErrors, validateWith } from '../lib/forms.ts';
import { createAppInput, updateAppInput } from '../lib/schemas.ts';
import { queryClient, useTRPC } from '../lib/trpc.ts';
import { FormAlert } from './auth-card.tsx';
import { ConfirmDialog } from './confirm-dialog.tsx';
import { TextField } from './text-field.tsx';
import { Button } from './ui/button.tsx';
import { Dialog, DialogClose, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from './ui/dialog.tsx';
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
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent>
        {open ? (
          <AppForm
            app={app}
            onDone={(saved) => {
              onOpenChange(false);
              onSaved?.(saved);
            }}
          />
        ) : null}
      </DialogContent>
    </Dialog>
  );
}

function AppForm({ app, onDone }: { app: EditableApp | null; onDone: (app: { id: string; name: string }) => void }) {
  const trpc = useTRPC();
  const descriptionId = useId();
  const publicId = useId();
  const { errors, setErrors, clear, fromServer } = useFieldErrors();
  const [formError, setFormError] = useState<string | null>(null);
  const [isPublic, setIsPublic] = useState(app?.isPublic ?? false);

  const onError = (error: unknown) => {
    if (!fromServer(error)) setFormError(errorMessage(error));
  };
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.apps.pathKey() });
  const create = useMutation(
    trpc.apps.create.mutationOptions({
      onSuccess: async (created) => {
        toast.success(`Agent app ${created.name} created`);
        onDone(created);
        await refresh();
      },
      onError,
    }),
  );
  const update = useMutation(
    trpc.apps.update.mutationOptions({
      onSuccess: async (updated) => {
        toast.success(`Agent app ${updated.name} saved`);
        onDone(updated);
        await refresh();
      },
      onError,
    }),
  );
  const pending = create.isPending || update.isPending;

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setFormError(null);
    const data = new FormData(event.currentTarget);
    const values = { name: String(data.get('name') ?? ''), description: String(data.get('description') ?? ''), is_public: isPublic };
    if (app) {
      const parsed = validateWith(updateAppInput, values);
      if (!parsed.ok) return setErrors(parsed.errors);
      clear();
      update.mutate({ id: app.id, patch: parsed.data });
    } else {
      const parsed = validateWith(createAppInput, values);
      if (!parsed.ok) return setErrors(parsed.errors);
      clear();
      create.mutate(parsed.data);
    }
  }

  return (
    <form noValidate onSubmit={onSubmit} className="grid gap-5">
      <DialogHeader>
        <DialogTitle>{app ? 'Edit agent app' : 'Create agent app'}</DialogTitle>
        <DialogDescription>
          {app ? 'Rename the app or change its description and visibility.' : 'An agent app holds the packages you upload and the deployments made from them.'}
        </DialogDescription>
      </DialogHeader>
      {formError ? <FormAlert>{formError}</FormAlert> : null}
      <TextField
        label="Name"
        name="name"
        autoFocus
        required
        maxLength={100}
        placeholder="support-triage"
        defaultValue={app?.name}
        error={errors.name}
        onInput={() => clear('name')}
      />
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
          onInput={() => clear('description')}
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
      <DialogFooter>
        <DialogClose asChild>
          <Button type="button" variant="outline" disabled={pending}>
            Cancel
          </Button>
        </DialogClose>
        <Button type="submit" pending={pending}>
          {app ? 'Save changes' : 'Create agent app'}
        </Button>
      </DialogFooter>
    </form>
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
