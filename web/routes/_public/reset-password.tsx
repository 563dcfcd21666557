import { useMutation } from '@tanstack/react-query';
import { createFileRoute, Link, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { toast } from 'sonner';
import { z } from 'zod/mini';
import { AuthCard, AuthForm } from '../../components/auth-card.tsx';
import { TextField } from '../../components/text-field.tsx';
import { appCodeOf } from '../../lib/errors.ts';
import { readForm, useSchemaForm } from '../../lib/forms.ts';
import { resetPasswordInput } from '../../lib/schemas.ts';
import { optionalParam } from '../../lib/search-params.ts';
import { resetSessionCaches } from '../../lib/session.ts';
import { useTRPC } from '../../lib/trpc.ts';

export const Route = createFileRoute('/_public/reset-password')({
  validateSearch: z.object({ token: optionalParam(z.string()) }),
  head: () => ({ meta: [{ title: 'Choose a new password · Pixell Agent Cloud' }] }),
  component: ResetPasswordPage,
});

function ResetPasswordPage() {
  const { token } = Route.useSearch();
  const { queryClient } = Route.useRouteContext();
  const navigate = useNavigate();
  const trpc = useTRPC();
  const form = useSchemaForm();
  const [invalidToken, setInvalidToken] = useState(false);

  const reset = useMutation(
    trpc.auth.resetPassword.mutationOptions({
      onSuccess: async () => {
        // Resetting a password signs out every session, this one included.
        await resetSessionCaches({ queryClient });
        toast.success('Password updated. Log in with your new password.');
        await navigate({ to: '/login', replace: true });
      },
      onError: (error) => {
        setInvalidToken(appCodeOf(error) === 'INVALID_TOKEN');
        form.onError(error);
      },
    }),
  );

  const requestNew = (
    <Link to="/forgot-password" className="font-medium text-primary hover:underline">
      Request a new reset link
    </Link>
  );

  if (!token) {
    return (
      <AuthCard title="Reset link incomplete" description="This link is missing its reset token." footer={requestNew}>
        <p className="text-sm text-muted-foreground">Open the link from the email again, or request a new one.</p>
      </AuthCard>
    );
  }

  return (
    <AuthCard title="Choose a new password" description="Pick a password with at least 8 characters." footer={requestNew}>
      <AuthForm
        onSubmit={form.handleSubmit(resetPasswordInput, reset.mutate, (element) => ({ ...readForm(element), token }))}
        error={
          form.formError ? (
            <>
              {form.formError}
              {invalidToken ? ' The link may have expired or been used already.' : null}
            </>
          ) : null
        }
        pending={reset.isPending}
        submitLabel="Update password"
      >
        <TextField label="New password" {...form.field('password')} type="password" autoComplete="new-password" autoFocus required minLength={8} />
      </AuthForm>
    </AuthCard>
  );
}
