import { useMutation } from '@tanstack/react-query';
import { createFileRoute, Link, redirect } from '@tanstack/react-router';
import { MailCheck } from 'lucide-react';
import { useState } from 'react';
import { toast } from 'sonner';
import { AuthCard, FormAlert, OutboxHint } from '../../components/auth-card.tsx';
import { TextField } from '../../components/text-field.tsx';
import { Button } from '../../components/ui/button.tsx';
import { appCodeOf, errorMessage } from '../../lib/errors.ts';
import { readForm, useFieldErrors, validateWith } from '../../lib/forms.ts';
import { signupInput } from '../../lib/schemas.ts';
import { ensureMe } from '../../lib/session.ts';
import { useTRPC } from '../../lib/trpc.ts';

export const Route = createFileRoute('/_public/signup')({
  beforeLoad: async ({ context }) => {
    if (await ensureMe(context)) throw redirect({ to: '/' });
  },
  head: () => ({ meta: [{ title: 'Sign up · Pixell Agent Cloud' }] }),
  component: SignupPage,
});

function SignupPage() {
  const trpc = useTRPC();
  const { errors, setErrors, clear, fromServer } = useFieldErrors();
  const [formError, setFormError] = useState<string | null>(null);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [readyAs, setReadyAs] = useState<string | null>(null);

  const signup = useMutation(
    trpc.auth.signup.mutationOptions({
      onSuccess: (result, input) => (result.emailVerificationRequired ? setSentTo(input.email) : setReadyAs(input.email)),
      onError: (error) => {
        if (appCodeOf(error) === 'CONFLICT') {
          setErrors({ email: error.message || 'An account with this email already exists' });
          return;
        }
        if (fromServer(error)) return;
        setFormError(errorMessage(error));
      },
    }),
  );

  const resend = useMutation(
    trpc.auth.resendVerification.mutationOptions({
      onSuccess: () => toast.success('We sent the link again.'),
      onError: (error) => toast.error(errorMessage(error)),
    }),
  );

  if (readyAs) {
    return (
      <AuthCard title="Your account is ready" description="You can log in right away.">
        <Button asChild className="w-full">
          <Link to="/login" search={{ email: readyAs }}>
            Go to log in
          </Link>
        </Button>
      </AuthCard>
    );
  }

  if (sentTo) {
    return (
      <AuthCard title="Check your email" description="One last step before you can log in.">
        <div className="grid gap-5">
          <div className="flex items-start gap-3 rounded-lg bg-muted/60 p-4">
            <MailCheck className="mt-0.5 size-5 shrink-0 text-primary" aria-hidden="true" />
            <p className="text-sm">
              We sent a verification link to <span className="font-medium">{sentTo}</span>. Open it to activate your account,
              then log in.
            </p>
          </div>
          <OutboxHint />
          <div className="flex flex-col gap-2 sm:flex-row">
            <Button asChild className="flex-1">
              <Link to="/login" search={{ email: sentTo }}>
                Go to log in
              </Link>
            </Button>
            <Button variant="outline" className="flex-1" pending={resend.isPending} onClick={() => resend.mutate({ email: sentTo })}>
              Resend the link
            </Button>
          </div>
        </div>
      </AuthCard>
    );
  }

  function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setFormError(null);
    const parsed = validateWith(signupInput, readForm(event.currentTarget));
    if (!parsed.ok) {
      setErrors(parsed.errors);
      return;
    }
    clear();
    signup.mutate(parsed.data);
  }

  return (
    <AuthCard
      title="Create your account"
      description="Start deploying agents in minutes. You get free credits to try things out."
      footer={
        <>
          Already have an account?{' '}
          <Link to="/login" className="font-medium text-primary hover:underline">
            Log in
          </Link>
        </>
      }
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
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          hint="At least 8 characters."
          error={errors.password}
          onInput={() => clear('password')}
        />
        <TextField
          label="Organization name"
          name="organizationName"
          autoComplete="organization"
          required
          maxLength={100}
          placeholder="Acme Inc."
          hint="Your team's workspace. You can rename it later."
          error={errors.organizationName}
          onInput={() => clear('organizationName')}
        />
        <Button type="submit" className="w-full" pending={signup.isPending}>
          Create account
        </Button>
      </form>
    </AuthCard>
  );
}
