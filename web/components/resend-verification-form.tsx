import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { toast } from 'sonner';
import { errorMessage } from '../lib/errors.ts';
import { useSchemaForm } from '../lib/forms.ts';
import { emailOnlyInput } from '../lib/schemas.ts';
import { useTRPC } from '../lib/trpc.ts';
import { OutboxHint } from './auth-card.tsx';
import { FormAlert } from './form-alert.tsx';
import { TextField } from './text-field.tsx';
import { Button } from './ui/button.tsx';

/** Asks for an email address and sends a fresh verification link to it. */
export function ResendVerificationForm({ defaultEmail }: { defaultEmail?: string }) {
  const trpc = useTRPC();
  const form = useSchemaForm();
  const [sent, setSent] = useState(false);
  const resend = useMutation(
    trpc.auth.resendVerification.mutationOptions({
      onSuccess: () => {
        setSent(true);
        toast.success('Verification email sent');
      },
      onError: (error) => {
        if (!form.fromServer(error)) toast.error(errorMessage(error));
      },
    }),
  );

  return (
    <form noValidate onSubmit={form.handleSubmit(emailOnlyInput, resend.mutate)} className="grid gap-4">
      {sent ? (
        <FormAlert tone="success">If an unverified account exists for that address, a new link is on its way.</FormAlert>
      ) : null}
      <TextField label="Email" {...form.field('email')} type="email" autoComplete="email" required defaultValue={defaultEmail} />
      <Button type="submit" variant="outline" pending={resend.isPending}>
        Send a new verification link
      </Button>
      {sent ? <OutboxHint /> : null}
    </form>
  );
}
