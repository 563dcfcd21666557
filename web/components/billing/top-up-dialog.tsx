// "Top up" from anywhere (the dashboard, its low-balance banner): a dialog whose form (choose a
// package or an amount, then go to the checkout) loads the first time it opens.
import { lazy } from 'react';
import { FormDialog } from '../form-dialog.tsx';

const TopUpForm = lazy(() => import('./top-up-form.tsx'));

export function TopUpDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  return (
    <FormDialog
      open={open}
      onOpenChange={onOpenChange}
      title="Top up credits"
      description="Credits pay for deployments and agent runs. Choose a package or an amount."
      className="max-w-md"
    >
      <TopUpForm />
    </FormDialog>
  );
}
