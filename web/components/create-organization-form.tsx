// The body of CreateOrganizationDialog, loaded on demand.
import { useMutation } from '@tanstack/react-query';
import { useNavigate, useRouter } from '@tanstack/react-router';
import { toast } from 'sonner';
import { useSchemaForm } from '../lib/forms.ts';
import { createOrganizationInput } from '../lib/schemas.ts';
import { refreshForOrganizationChange } from '../lib/session.ts';
import { useTRPC } from '../lib/trpc.ts';
import { DialogForm } from './form-dialog.tsx';
import { TextField } from './text-field.tsx';

export default function CreateOrganizationForm({ onDone }: { onDone: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const navigate = useNavigate();
  const form = useSchemaForm();

  const create = useMutation(
    trpc.org.create.mutationOptions({
      onSuccess: async (_result, input) => {
        await refreshForOrganizationChange(router.options.context.queryClient, router);
        toast.success(`Organization ${input.name} created`);
        onDone();
        await navigate({ to: '/' });
      },
      onError: form.onError,
    }),
  );

  return (
    <DialogForm
      onSubmit={form.handleSubmit(createOrganizationInput, create.mutate)}
      error={form.formError}
      pending={create.isPending}
      submitLabel="Create organization"
    >
      <TextField label="Name" {...form.field('name')} autoFocus required maxLength={100} placeholder="Acme Research" />
    </DialogForm>
  );
}
