import { lazy } from 'react';
import { FormDialog } from './form-dialog.tsx';

// The form (and the zod schemas that check it) loads the first time the dialog opens: the dialog is
// part of the app shell, the form rarely used.
const CreateOrganizationForm = lazy(() => import('./create-organization-form.tsx'));

export function CreateOrganizationDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  return (
    <FormDialog
      open={open}
      onOpenChange={onOpenChange}
      title="Create organization"
      description="A separate workspace with its own members, API keys, agents and credits. You become its owner."
    >
      <CreateOrganizationForm onDone={() => onOpenChange(false)} />
    </FormDialog>
  );
}
