import { useMutation } from '@tanstack/react-query';
import { createFileRoute, Link, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { toast } from 'sonner';
import { z } from 'zod';
import { AuthCard, FormAlert } from '../../components/auth-card.tsx';
import { TextField } from '../../components/text-field.tsx';
import { Button } from '../../components/ui/button.tsx';
import { appCodeOf, errorMessage } from '../../lib/errors.ts';
import { readForm, useFieldErrors, validateWith } from '../../lib/forms.ts';
import { resetPasswordInput } from '../../lib/schemas.ts';
import { resetSessionCaches } from '../../lib/session.ts';
import { useTRPC } from '../../lib/trpc.ts';

export const Route = createFileRoute('/_public/reset-password')({
  validateSearch: z.object({ token: z.string().optional().catch(undefined) }),
  head: () => ({ meta: [{ title: 'Choose a new password · Pixell Agent Cloud' }] }),
  component: ResetPasswordPage,
});

function ResetPasswordPage() {
  const { token } = Route.useSearch();
  const { queryClient } = Route.useRouteContext();
  const navigate = useNavigate();
  const trpc = useTRPC();
  const { errors, setErrors, clear, fromServer } = useFieldErrors();
  const [formError, setFormError] = useState<{ message: string; invalidToken: boolean } | null>(null);

  const reset = useMutation(
    trpc.auth.resetPassword.mutationOptions({
      onSuccess: async () => {
        // Resetting a password signs out every session, this one included.
        await resetSessionCaches({ queryClient });
        toast.success('Password updated. Log in with your new password.');
        await navigate({ to: '/login', replace: true });
      },
      onError: (error) => {
        if (fromServer(error)) return;
        setFormError({ message: errorMessage(error), invalidToken: appCodeOf(error) === 'INVALID_TOKEN' });
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

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setFormError(null);
    const parsed = validateWith(resetPasswordInput, { ...readForm(event.currentTarget), token });
    if (!parsed.ok) {
      setErrors(parsed.errors);
      return;
    }
    clear();
    reset.mutate(parsed.data);
  }

  return (
    <AuthCard title="Choose a new password" description="Pick a password with at least 8 characters." footer={requestNew}>
      <form noValidate onSubmit={onSubmit} className="grid gap-5">
        {formError ? (
          <FormAlert>
            {formError.message}
            {formError.invalidToken ? ' The link may have expired or been used already.' : null}
          </FormAlert>
        ) : null}
        <TextField
          label="New password"
          name="password"
          type="password"
          autoComplete="new-password"
          autoFocus
          required
          minLength={8}
          error={errors.password}
          onInput={() => clear('password')}
        />
        <Button type="submit" className="w-full" pending={reset.isPending}>
          Update password
        </Button>
      </form>
    </AuthCard>
  );
}
