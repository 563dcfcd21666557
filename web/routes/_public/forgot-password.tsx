import { useMutation } from '@tanstack/react-query';
import { createFileRoute, Link } from '@tanstack/react-router';
import { MailCheck } from 'lucide-react';
import { useState } from 'react';
import { AuthCard, FormAlert, OutboxHint } from '../../components/auth-card.tsx';
import { TextField } from '../../components/text-field.tsx';
import { Button } from '../../components/ui/button.tsx';
import { errorMessage } from '../../lib/errors.ts';
import { readForm, useFieldErrors, validateWith } from '../../lib/forms.ts';
import { emailOnlyInput } from '../../lib/schemas.ts';
import { useTRPC } from '../../lib/trpc.ts';

export const Route = createFileRoute('/_public/forgot-password')({
  head: () => ({ meta: [{ title: 'Reset your password · Pixell Agent Cloud' }] }),
  component: ForgotPasswordPage,
});

function ForgotPasswordPage() {
  const trpc = useTRPC();
  const { errors, setErrors, clear, fromServer } = useFieldErrors();
  const [formError, setFormError] = useState<string | null>(null);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const request = useMutation(
    trpc.auth.requestPasswordReset.mutationOptions({
      onSuccess: (_result, input) => setSentTo(input.email),
      onError: (error) => {
        if (!fromServer(error)) setFormError(errorMessage(error));
      },
    }),
  );

  const backToLogin = (
    <Link to="/login" className="font-medium text-primary hover:underline">
      Back to log in
    </Link>
  );

  if (sentTo) {
    return (
      <AuthCard title="Reset link sent" footer={backToLogin}>
        <div className="grid gap-5">
          <div className="flex items-start gap-3 rounded-lg bg-muted/60 p-4">
            <MailCheck className="mt-0.5 size-5 shrink-0 text-primary" aria-hidden="true" />
            <p className="text-sm">
              If an account exists for <span className="font-medium">{sentTo}</span>, we sent it a link to choose a new password.
              The link expires soon, so use it right away.
            </p>
          </div>
          <OutboxHint />
        </div>
      </AuthCard>
    );
  }

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setFormError(null);
    const parsed = validateWith(emailOnlyInput, readForm(event.currentTarget));
    if (!parsed.ok) {
      setErrors(parsed.errors);
      return;
    }
    clear();
    request.mutate(parsed.data);
  }

  return (
    <AuthCard
      title="Forgot your password?"
      description="Enter the email address of your account and we will send you a link to reset your password."
      footer={backToLogin}
    >
      <form noValidate onSubmit={onSubmit} className="grid gap-5">
        {formError ? <FormAlert>{formError}</FormAlert> : null}
        <TextField
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          autoFocus
          required
          error={errors.email}
          onInput={() => clear('email')}
        />
        <Button type="submit" className="w-full" pending={request.isPending}>
          Send reset link
        </Button>
      </form>
    </AuthCard>
  );
}
