import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { toast } from 'sonner';
import { errorMessage } from '../lib/errors.ts';
import { readForm, useFieldErrors, validateWith } from '../lib/forms.ts';
import { emailOnlyInput } from '../lib/schemas.ts';
import { useTRPC } from '../lib/trpc.ts';
import { FormAlert, OutboxHint } from './auth-card.tsx';
import { TextField } from './text-field.tsx';
import { Button } from './ui/button.tsx';

/** Asks for an email address and sends a fresh verification link to it. */
export function ResendVerificationForm({ defaultEmail }: { defaultEmail?: string }) {
  const trpc = useTRPC();
  const { errors, setErrors, clear, fromServer } = useFieldErrors();
  const [sent, setSent] = useState(false);
  const resend = useMutation(
    trpc.auth.resendVerification.mutationOptions({
      onSuccess: () => {
        setSent(true);
        toast.success('Verification email sent');
      },
      onError: (error) => {
        if (!fromServer(error)) toast.error(errorMessage(error));
      },
    }),
  );

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = validateWith(emailOnlyInput, readForm(event.currentTarget));
    if (!parsed.ok) {
      setErrors(parsed.errors);
      return;
    }
    clear();
    resend.mutate(parsed.data);
  }

  return (
    <form noValidate onSubmit={onSubmit} className="grid gap-4">
      {sent ? (
        <FormAlert tone="success">If an unverified account exists for that address, a new link is on its way.</FormAlert>
      ) : null}
      <TextField
        label="Email"
        name="email"
        type="email"
        autoComplete="email"
        required
        defaultValue={defaultEmail}
        error={errors.email}
        onInput={() => clear('email')}
      />
      <Button type="submit" variant="outline" pending={resend.isPending}>
        Send a new verification link
      </Button>
      {sent ? <OutboxHint /> : null}
    </form>
  );
}
