import { useMutation } from '@tanstack/react-query';
import { createFileRoute, Link } from '@tanstack/react-router';
import { useState } from 'react';
import { AuthCard, AuthForm, MailSentNotice, OutboxHint } from '../../components/auth-card.tsx';
import { TextField } from '../../components/text-field.tsx';
import { useSchemaForm } from '../../lib/forms.ts';
import { emailOnlyInput } from '../../lib/schemas.ts';
import { useTRPC } from '../../lib/trpc.ts';

export const Route = createFileRoute('/_public/forgot-password')({
  head: () => ({ meta: [{ title: 'Reset your password · Pixell Agent Cloud' }] }),
  component: ForgotPasswordPage,
});

function ForgotPasswordPage() {
  const trpc = useTRPC();
  const form = useSchemaForm();
  const [sentTo, setSentTo] = useState<string | null>(null);
  const request = useMutation(
    trpc.auth.requestPasswordReset.mutationOptions({
      onSuccess: (_result, input) => setSentTo(input.email),
      onError: form.onError,
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
          <MailSentNotice>
            If an account exists for <span className="font-medium">{sentTo}</span>, we sent it a link to choose a new password. The
            link expires soon, so use it right away.
          </MailSentNotice>
          <OutboxHint />
        </div>
      </AuthCard>
    );
  }

  return (
    <AuthCard
      title="Forgot your password?"
      description="Enter the email address of your account and we will send you a link to reset your password."
      footer={backToLogin}
    >
      <AuthForm onSubmit={form.handleSubmit(emailOnlyInput, request.mutate)} error={form.formError} pending={request.isPending} submitLabel="Send reset link">
        <TextField label="Email" {...form.field('email')} type="email" autoComplete="email" autoFocus required />
      </AuthForm>
    </AuthCard>
  );
}
