import { useMutation, useSuspenseQuery } from '@tanstack/react-query';
import { createFileRoute, type ErrorComponentProps, Link, useNavigate, useRouter } from '@tanstack/react-router';
import { Building2, CircleX } from 'lucide-react';
import { toast } from 'sonner';
import { z } from 'zod/mini';
import { AuthCard } from '../../components/auth-card.tsx';
import { FormAlert } from '../../components/form-alert.tsx';
import { TextField } from '../../components/text-field.tsx';
import { Badge } from '../../components/ui/badge.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Input } from '../../components/ui/input.tsx';
import { Label } from '../../components/ui/label.tsx';
import { Skeleton } from '../../components/ui/skeleton.tsx';
import { appCodeOf, errorMessage, httpStatusOf } from '../../lib/errors.ts';
import { formatDate, ROLE_LABELS } from '../../lib/format.ts';
import { readForm, useSchemaForm } from '../../lib/forms.ts';
import { acceptInvitationInput } from '../../lib/schemas.ts';
import { optionalParam } from '../../lib/search-params.ts';
import { resetSessionCaches } from '../../lib/session.ts';
import { useTRPC } from '../../lib/trpc.ts';

export const Route = createFileRoute('/_public/accept-invitation')({
  validateSearch: z.object({ token: optionalParam(z.string()) }),
  loaderDeps: ({ search }) => ({ token: search.token }),
  loader: async ({ context, deps }) => {
    const me = context.queryClient.ensureQueryData(context.trpc.auth.me.queryOptions());
    if (deps.token) await context.queryClient.ensureQueryData(context.trpc.org.invitationInfo.queryOptions({ token: deps.token }));
    await me;
  },
  head: () => ({ meta: [{ title: 'Join an organization · Pixell Agent Cloud' }] }),
  pendingComponent: AcceptInvitationPending,
  errorComponent: AcceptInvitationError,
  component: AcceptInvitationPage,
});

function AcceptInvitationPage() {
  const { token } = Route.useSearch();
  if (!token) return <InvalidInvitation message="This invitation link is missing its token." />;
  return <Invitation token={token} />;
}

function Invitation({ token }: { token: string }) {
  const trpc = useTRPC();
  const navigate = useNavigate();
  const { queryClient } = Route.useRouteContext();
  const { data: info } = useSuspenseQuery(trpc.org.invitationInfo.queryOptions({ token }));
  const { data: me } = useSuspenseQuery(trpc.auth.me.queryOptions());
  const form = useSchemaForm();

  const signedInAsInvitee = me !== null && me.user.email.toLowerCase() === info.email.toLowerCase();
  const here = `/accept-invitation?token=${encodeURIComponent(token)}`;

  const accept = useMutation(
    trpc.org.acceptInvitation.mutationOptions({
      onSuccess: async () => {
        await resetSessionCaches({ queryClient });
        toast.success(`Welcome to ${info.organizationName}`);
        await navigate({ to: '/', replace: true });
      },
      onError: form.onError,
    }),
  );

  const logout = useMutation(
    trpc.auth.logout.mutationOptions({
      onSuccess: async () => {
        await resetSessionCaches({ queryClient });
        await navigate({ to: '/login', search: { redirect: here, email: info.email } });
      },
      onError: (error) => toast.error(errorMessage(error)),
    }),
  );

  const summary = (
    <div className="flex items-center gap-3 rounded-lg border bg-muted/40 p-4">
      <div className="flex size-10 shrink-0 items-center justify-center rounded-lg bg-accent text-accent-foreground">
        <Building2 className="size-5" aria-hidden="true" />
      </div>
      <div className="min-w-0">
        <p className="truncate font-medium">{info.organizationName}</p>
        <p className="flex flex-wrap items-center gap-2 text-xs text-muted-foreground">
          <span>Role:</span>
          <Badge variant="accent">{ROLE_LABELS[info.role]}</Badge>
          <span>· expires {formatDate(info.expiresAt)}</span>
        </p>
      </div>
    </div>
  );

  const title = `Join ${info.organizationName}`;
  const description = (
    <>
      You have been invited to join <span className="font-medium text-foreground">{info.organizationName}</span> as{' '}
      {info.role === 'admin' ? 'an admin' : 'a member'}. The invitation is for{' '}
      <span className="font-medium text-foreground">{info.email}</span>.
    </>
  );

  // An existing account must be signed in (as the invited address) to accept.
  if (info.accountExists && !signedInAsInvitee) {
    return (
      <AuthCard title={title} description={description}>
        <div className="grid gap-5">
          {summary}
          {me ? (
            <>
              <FormAlert tone="info">
                You are logged in as <span className="font-medium">{me.user.email}</span>. Log out and log in as {info.email} to
                accept this invitation.
              </FormAlert>
              <Button pending={logout.isPending} onClick={() => logout.mutate()}>
                Log out and switch account
              </Button>
            </>
          ) : (
            <>
              <p className="text-sm text-muted-foreground">An account already exists for {info.email}. Log in first to accept.</p>
              <Button asChild>
                <Link to="/login" search={{ redirect: here, email: info.email }}>
                  Log in to accept
                </Link>
              </Button>
            </>
          )}
        </div>
      </AuthCard>
    );
  }

  if (signedInAsInvitee) {
    return (
      <AuthCard title={title} description={description}>
        <div className="grid gap-5">
          {summary}
          {form.formError ? <FormAlert>{form.formError}</FormAlert> : null}
          <Button pending={accept.isPending} onClick={() => accept.mutate({ token })}>
            Accept invitation
          </Button>
        </div>
      </AuthCard>
    );
  }

  const onSubmit = form.handleSubmit(acceptInvitationInput.required({ password: true }), accept.mutate, (element) => ({ ...readForm(element), token }));

  return (
    <AuthCard title={title} description={description}>
      <form noValidate onSubmit={onSubmit} className="grid gap-5">
        {summary}
        {me ? (
          <FormAlert tone="info">
            You are logged in as <span className="font-medium">{me.user.email}</span>. Creating this account will log you in as{' '}
            {info.email} instead.
          </FormAlert>
        ) : null}
        {form.formError ? <FormAlert>{form.formError}</FormAlert> : null}
        <div className="grid gap-2">
          <Label htmlFor="invitation-email">Email</Label>
          <Input id="invitation-email" value={info.email} readOnly autoComplete="username" />
        </div>
        <TextField
          label="Password"
          {...form.field('password')}
          type="password"
          autoComplete="new-password"
          autoFocus
          required
          minLength={8}
          hint="Choose a password with at least 8 characters to create your account."
        />
        <Button type="submit" className="w-full" pending={accept.isPending}>
          Create account and join
        </Button>
      </form>
    </AuthCard>
  );
}

function InvalidInvitation({ message }: { message: string }) {
  return (
    <AuthCard title="Invitation not available">
      <div className="grid gap-5">
        <div role="alert" className="flex items-start gap-3 rounded-lg bg-red-50 p-4 text-red-800">
          <CircleX className="mt-0.5 size-5 shrink-0" aria-hidden="true" />
          <p className="text-sm">{message}</p>
        </div>
        <p className="text-sm text-muted-foreground">
          Invitations expire after a few days and can be used once. Ask an admin of the organization to send you a new one.
        </p>
        <Button asChild variant="outline">
          <Link to="/">Go to Pixell Agent Cloud</Link>
        </Button>
      </div>
    </AuthCard>
  );
}

function AcceptInvitationError({ error, reset }: ErrorComponentProps) {
  const router = useRouter();
  const code = appCodeOf(error);
  if (code === 'INVALID_TOKEN' || code === 'NOT_FOUND' || httpStatusOf(error) === 404) {
    return <InvalidInvitation message={errorMessage(error)} />;
  }
  return (
    <AuthCard title="Something went wrong">
      <div className="grid gap-4">
        <FormAlert>{errorMessage(error)}</FormAlert>
        <Button
          variant="outline"
          onClick={() => {
            reset();
            void router.invalidate();
          }}
        >
          Try again
        </Button>
      </div>
    </AuthCard>
  );
}

function AcceptInvitationPending() {
  return (
    <AuthCard title="Loading invitation…">
      <div className="grid gap-4" role="status" aria-label="Loading invitation">
        <Skeleton className="h-16 w-full" />
        <Skeleton className="h-9 w-full" />
        <Skeleton className="h-9 w-full" />
      </div>
    </AuthCard>
  );
}
