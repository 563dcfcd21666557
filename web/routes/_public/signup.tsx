import { useMutation } from '@tanstack/react-query';
import { createFileRoute, Link, redirect } from '@tanstack/react-router';
import { useState } from 'react';
import { toast } from 'sonner';
import { AuthCard, AuthForm, MailSentNotice, OutboxHint } from '../../components/auth-card.tsx';
import { TextField } from '../../components/text-field.tsx';
import { Button } from '../../components/ui/button.tsx';
import { appCodeOf, errorMessage } from '../../lib/errors.ts';
import { useSchemaForm } from '../../lib/forms.ts';
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
  const form = useSchemaForm();
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [readyAs, setReadyAs] = useState<string | null>(null);

  const signup = useMutation(
    trpc.auth.signup.mutationOptions({
      onSuccess: (result, input) => (result.emailVerificationRequired ? setSentTo(input.email) : setReadyAs(input.email)),
      onError: (error) => {
        if (appCodeOf(error) === 'CONFLICT') form.setErrors({ email: error.message || 'An account with this email already exists' });
        else form.onError(error);
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
          <MailSentNotice>
            We sent a verification link to <span className="font-medium">{sentTo}</span>. Open it to activate your account, then
            log in.
          </MailSentNotice>
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
      <AuthForm onSubmit={form.handleSubmit(signupInput, signup.mutate)} error={form.formError} pending={signup.isPending} submitLabel="Create account">
        <TextField label="Email" {...form.field('email')} type="email" autoComplete="email" autoFocus required />
        <TextField
          label="Password"
          {...form.field('password')}
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          hint="At least 8 characters."
        />
        <TextField
          label="Organization name"
          {...form.field('organizationName')}
          autoComplete="organization"
          required
          maxLength={100}
          placeholder="Acme Inc."
          hint="Your team's workspace. You can rename it later."
        />
      </AuthForm>
    </AuthCard>
  );
}
