import { useMutation } from '@tanstack/react-query';
import { createFileRoute, Link, redirect, useRouter } from '@tanstack/react-router';
import { MailWarning } from 'lucide-react';
import { useState } from 'react';
import { toast } from 'sonner';
import { z } from 'zod';
import { AuthCard, FormAlert, OutboxHint } from '../../components/auth-card.tsx';
import { TextField } from '../../components/text-field.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Checkbox } from '../../components/ui/checkbox.tsx';
import { Label } from '../../components/ui/label.tsx';
import { appCodeOf, errorMessage } from '../../lib/errors.ts';
import { readForm, safeRedirect, useFieldErrors, validateWith } from '../../lib/forms.ts';
import { loginInput } from '../../lib/schemas.ts';
import { ensureMe, resetSessionCaches } from '../../lib/session.ts';
import { useTRPC } from '../../lib/trpc.ts';

const searchSchema = z.object({
  redirect: z.string().optional().catch(undefined),
  email: z.string().optional().catch(undefined),
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
  const { errors, setErrors, clear, fromServer } = useFieldErrors();
  const [formError, setFormError] = useState<string | null>(null);
  const [unverifiedEmail, setUnverifiedEmail] = useState<string | null>(null);

  const login = useMutation(
    trpc.auth.login.mutationOptions({
      onSuccess: async () => {
        await resetSessionCaches({ queryClient });
        await router.navigate({ href: safeRedirect(search.redirect), replace: true });
      },
      onError: (error, input) => {
        const code = appCodeOf(error);
        if (code === 'EMAIL_NOT_VERIFIED') {
          setUnverifiedEmail(input.email);
          return;
        }
        if (fromServer(error)) return;
        setFormError(errorMessage(error));
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
    setFormError(null);
    setUnverifiedEmail(null);
    const values = readForm(event.currentTarget);
    const parsed = validateWith(loginInput, { ...values, rememberMe: values.rememberMe === 'on' });
    if (!parsed.ok) {
      setErrors(parsed.errors);
      return;
    }
    clear();
    login.mutate(parsed.data);
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
      <form noValidate onSubmit={onSubmit} className="grid gap-5">
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
        {formError ? <FormAlert>{formError}</FormAlert> : null}
        <TextField
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          autoFocus
          required
          defaultValue={search.email}
          error={errors.email}
          onInput={() => clear('email')}
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          error={errors.password}
          onInput={() => clear('password')}
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
        <Button type="submit" className="w-full" pending={login.isPending}>
          Log in
        </Button>
      </form>
    </AuthCard>
  );
}
