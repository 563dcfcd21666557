import { useMutation } from '@tanstack/react-query';
import { createFileRoute, Link } from '@tanstack/react-router';
import { CircleCheck, CircleX, Loader2 } from 'lucide-react';
import { useEffect, useRef } from 'react';
import { z } from 'zod/mini';
import { AuthCard } from '../../components/auth-card.tsx';
import { ResendVerificationForm } from '../../components/resend-verification-form.tsx';
import { Button } from '../../components/ui/button.tsx';
import { errorMessage } from '../../lib/errors.ts';
import { optionalParam } from '../../lib/search-params.ts';
import { useTRPC } from '../../lib/trpc.ts';

export const Route = createFileRoute('/_public/verify-email')({
  validateSearch: z.object({ token: optionalParam(z.string()) }),
  head: () => ({ meta: [{ title: 'Verify your email · Pixell Agent Cloud' }] }),
  component: VerifyEmailPage,
});

function VerifyEmailPage() {
  const { token } = Route.useSearch();
  const trpc = useTRPC();
  const verify = useMutation(trpc.auth.verifyEmail.mutationOptions());
  const { mutate } = verify;
  const started = useRef<string | null>(null);

  useEffect(() => {
    // Once per token (StrictMode runs effects twice in development).
    if (!token || started.current === token) return;
    started.current = token;
    mutate({ token });
  }, [token, mutate]);

  if (!token) {
    return (
      <AuthCard title="Verify your email" description="This link is missing its verification token. Request a new link below.">
        <ResendVerificationForm />
      </AuthCard>
    );
  }

  if (verify.isSuccess) {
    return (
      <AuthCard title="Email verified">
        <div className="grid gap-5">
          <div className="flex items-start gap-3 rounded-lg bg-emerald-50 p-4 text-emerald-800">
            <CircleCheck className="mt-0.5 size-5 shrink-0" aria-hidden="true" />
            <p className="text-sm">Thanks! Your email address is confirmed and your account is ready.</p>
          </div>
          <Button asChild>
            <Link to="/login">Continue to log in</Link>
          </Button>
        </div>
      </AuthCard>
    );
  }

  if (verify.isError) {
    return (
      <AuthCard title="We could not verify your email">
        <div className="grid gap-6">
          <div role="alert" className="flex items-start gap-3 rounded-lg bg-red-50 p-4 text-red-800">
            <CircleX className="mt-0.5 size-5 shrink-0" aria-hidden="true" />
            <div className="grid gap-1 text-sm">
              <p className="font-medium">{errorMessage(verify.error)}</p>
              <p>Verification links expire and work only once. Enter your email to get a new one.</p>
            </div>
          </div>
          <ResendVerificationForm />
        </div>
      </AuthCard>
    );
  }

  return (
    <AuthCard title="Verifying your email">
      <div role="status" className="flex items-center gap-3 py-4 text-sm text-muted-foreground">
        <Loader2 className="size-5 animate-spin" aria-hidden="true" />
        Confirming your email address…
      </div>
    </AuthCard>
  );
}
