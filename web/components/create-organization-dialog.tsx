import { useMutation } from '@tanstack/react-query';
import { useNavigate, useRouter } from '@tanstack/react-router';
import { useState } from 'react';
import { toast } from 'sonner';
import { errorMessage } from '../lib/errors.ts';
import { readForm, useFieldErrors, validateWith } from '../lib/forms.ts';
import { createOrganizationInput } from '../lib/schemas.ts';
import { refreshForOrganizationChange } from '../lib/session.ts';
import { useTRPC } from '../lib/trpc.ts';
import { FormAlert } from './auth-card.tsx';
import { TextField } from './text-field.tsx';
import { Button } from './ui/button.tsx';
import { Dialog, DialogClose, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from './ui/dialog.tsx';

export function CreateOrganizationDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent>
        {/* Remounted on every open: a fresh form each time. */}
        {open ? <CreateOrganizationForm onDone={() => onOpenChange(false)} /> : null}
      </DialogContent>
    </Dialog>
  );
}

function CreateOrganizationForm({ onDone }: { onDone: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const navigate = useNavigate();
  const { errors, setErrors, clear, fromServer } = useFieldErrors();
  const [formError, setFormError] = useState<string | null>(null);

  const create = useMutation(
    trpc.org.create.mutationOptions({
      onSuccess: async (_result, input) => {
        await refreshForOrganizationChange(router.options.context.queryClient, router);
        toast.success(`Organization ${input.name} created`);
        onDone();
        await navigate({ to: '/' });
      },
      onError: (error) => {
        if (!fromServer(error)) setFormError(errorMessage(error));
      },
    }),
  );

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setFormError(null);
    const parsed = validateWith(createOrganizationInput, readForm(event.currentTarget));
    if (!parsed.ok) {
      setErrors(parsed.errors);
      return;
    }
    clear();
    create.mutate(parsed.data);
  }

  return (
    <form noValidate onSubmit={onSubmit} className="grid gap-5">
      <DialogHeader>
        <DialogTitle>Create organization</DialogTitle>
        <DialogDescription>A separate workspace with its own members, API keys, agents and credits. You become its owner.</DialogDescription>
      </DialogHeader>
      {formError ? <FormAlert>{formError}</FormAlert> : null}
      <TextField label="Name" name="name" autoFocus required maxLength={100} placeholder="Acme Research" error={errors.name} onInput={() => clear('name')} />
      <DialogFooter>
        <DialogClose asChild>
          <Button type="button" variant="outline" disabled={create.isPending}>
            Cancel
          </Button>
        </DialogClose>
        <Button type="submit" pending={create.isPending}>
          Create organization
        </Button>
      </DialogFooter>
    </form>
  );
}
