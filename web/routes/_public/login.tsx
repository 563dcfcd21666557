import { useMutation } from '@tanstack/react-query';
import { createFileRoute, Link, redirect, useRouter } from '@tanstack/react-router';
import { MailWarning } from 'lucide-react';
import { useState } from 'react';
import { toast } from 'sonner';
import { z } from 'zod/mini';
import { AuthCard, AuthForm, OutboxHint } from '../../components/auth-card.tsx';
import { FormAlert } from '../../components/form-alert.tsx';
import { TextField } from '../../components/text-field.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Checkbox } from '../../components/ui/checkbox.tsx';
import { Label } from '../../components/ui/label.tsx';
import { appCodeOf, errorMessage } from '../../lib/errors.ts';
import { readForm, safeRedirect, useSchemaForm } from '../../lib/forms.ts';
import { loginInput } from '../../lib/schemas.ts';
import { optionalParam } from '../../lib/search-params.ts';
import { ensureMe, resetSessionCaches } from '../../lib/session.ts';
import { useTRPC } from '../../lib/trpc.ts';

const searchSchema = z.object({
  redirect: optionalParam(z.string()),
  email: optionalParam(z.string()),
});

export const Route = createFileRoute('/_public/login')({
  validateSearch: searchSchema,
  beforeLoad: async ({ context, search }) => {
    const me = await ensureMe(context);
    if (me) throw redirect({ href: safeRedirect(search.redirect) });
  },
  head: () => ({ meta: [{ title: 'Log in · Pixell Agent Cloud' }] }),
  component: LoginPage,
});

function LoginPage() {
  const search = Route.useSearch();
  const router = useRouter();
  const { queryClient } = Route.useRouteContext();
  const trpc = useTRPC();
  const form = useSchemaForm();
  const [unverifiedEmail, setUnverifiedEmail] = useState<string | null>(null);

  const login = useMutation(
    trpc.auth.login.mutationOptions({
      onSuccess: async () => {
        await resetSessionCaches({ queryClient });
        await router.navigate({ href: safeRedirect(search.redirect), replace: true });
      },
      onError: (error, input) => {
        if (appCodeOf(error) === 'EMAIL_NOT_VERIFIED') setUnverifiedEmail(input.email);
        else form.onError(error);
      },
    }),
  );

  const resend = useMutation(
    trpc.auth.resendVerification.mutationOptions({
      onSuccess: () => toast.success('Verification email sent. Check your inbox.'),
      onError: (error) => toast.error(errorMessage(error)),
    }),
  );

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setUnverifiedEmail(null);
    const values = readForm(event.currentTarget);
    form.submit(loginInput, { ...values, rememberMe: values.rememberMe === 'on' }, login.mutate);
  }

  return (
    <AuthCard
      title="Log in"
      description="Welcome back. Log in to manage your agents."
      footer={
        <>
          New to Pixell?{' '}
          <Link to="/signup" className="font-medium text-primary hover:underline">
            Create an account
          </Link>
        </>
      }
    >
      <AuthForm onSubmit={onSubmit} error={form.formError} pending={login.isPending} submitLabel="Log in">
        {unverifiedEmail ? (
          <FormAlert tone="info">
            <div className="flex gap-3">
              <MailWarning className="mt-0.5 size-4 shrink-0" aria-hidden="true" />
              <div className="grid gap-2">
                <p>Your email address is not verified yet. Open the link we sent to {unverifiedEmail}, or get a new one.</p>
                <div>
                  <Button
                    type="button"
                    size="sm"
                    variant="outline"
                    pending={resend.isPending}
                    onClick={() => resend.mutate({ email: unverifiedEmail })}
                  >
                    Resend verification email
                  </Button>
                </div>
                <OutboxHint />
              </div>
            </div>
          </FormAlert>
        ) : null}
        <TextField label="Email" {...form.field('email')} type="email" autoComplete="email" autoFocus required defaultValue={search.email} />
        <TextField
          label="Password"
          {...form.field('password')}
          type="password"
          autoComplete="current-password"
          required
          labelAside={
            <Link to="/forgot-password" className="text-xs font-medium text-muted-foreground hover:text-foreground hover:underline">
              Forgot your password?
            </Link>
          }
        />
        <div className="flex items-center gap-2">
          <Checkbox id="remember-me" name="rememberMe" />
          <Label htmlFor="remember-me" className="font-normal">
            Remember me
          </Label>
        </div>
      </AuthForm>
    </AuthCard>
  );
}
