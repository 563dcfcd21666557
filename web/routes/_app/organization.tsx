import { useMutation, useQuery, useSuspenseQuery } from '@tanstack/react-query';
import { createFileRoute, Link, useRouter } from '@tanstack/react-router';
import { LogOut, MailPlus, ScrollText, UserMinus, Users, X } from 'lucide-react';
import { useId, useState } from 'react';
import { toast } from 'sonner';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { ErrorState } from '../../components/error-state.tsx';
import { DialogForm, FormDialog } from '../../components/form-dialog.tsx';
import { PageHeader, PageHeaderSkeleton } from '../../components/page-header.tsx';
import { TextField } from '../../components/text-field.tsx';
import { Badge } from '../../components/ui/badge.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from '../../components/ui/card.tsx';
import { Label } from '../../components/ui/label.tsx';
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from '../../components/ui/select.tsx';
import { Skeleton } from '../../components/ui/skeleton.tsx';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../../components/ui/table.tsx';
import { errorMessage } from '../../lib/errors.ts';
import { formatDate, type Role, ROLE_LABELS } from '../../lib/format.ts';
import { readForm, useSchemaForm } from '../../lib/forms.ts';
import { canLeave, canManageOrganization, canRemoveMember } from '../../lib/permissions.ts';
import { inviteMemberInput, updateOrganizationInput } from '../../lib/schemas.ts';
import { refreshForOrganizationChange } from '../../lib/session.ts';
import { useTRPC } from '../../lib/trpc.ts';
import { useMe } from '../../lib/use-me.ts';
import { Timestamp } from '../../components/timestamp.tsx';

export const Route = createFileRoute('/_app/organization')({
  loader: async ({ context }) => {
    await Promise.all([
      context.queryClient.ensureQueryData(context.trpc.org.current.queryOptions()),
      context.queryClient.ensureQueryData(context.trpc.org.members.queryOptions()),
    ]);
  },
  head: () => ({ meta: [{ title: 'Organization · Pixell Agent Cloud' }] }),
  pendingComponent: OrganizationSkeleton,
  component: OrganizationPage,
});

type Member = { id: string; userId: string; email: string; role: Role; joinedAt: Date };

const ROLE_BADGE = { owner: 'default', admin: 'accent', member: 'secondary' } as const;

function OrganizationPage() {
  const trpc = useTRPC();
  const { data: current } = useSuspenseQuery(trpc.org.current.queryOptions());
  const canManage = canManageOrganization(current.role);
  const [inviteOpen, setInviteOpen] = useState(false);

  return (
    <>
      <PageHeader
        title="Organization"
        description="Settings and people of this organization."
        actions={
          canManage ? (
            <>
              <Button variant="outline" asChild>
                <Link to="/audit-log">
                  <ScrollText aria-hidden="true" />
                  Audit log
                </Link>
              </Button>
              <Button onClick={() => setInviteOpen(true)}>
                <MailPlus aria-hidden="true" />
                Invite member
              </Button>
            </>
          ) : null
        }
      />
      <div className="grid gap-6">
        <GeneralCard name={current.organization.name} createdAt={current.organization.createdAt} canEdit={canManage} />
        <MembersCard role={current.role} />
        {canManage ? <InvitationsCard /> : null}
      </div>
      <InviteMemberDialog open={inviteOpen} onOpenChange={setInviteOpen} canInviteAdmins={canManage} />
    </>
  );
}

function GeneralCard({ name, createdAt, canEdit }: { name: string; createdAt: Date; canEdit: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const { queryClient } = Route.useRouteContext();
  const form = useSchemaForm();
  const [dirty, setDirty] = useState(false);
  const update = useMutation(
    trpc.org.update.mutationOptions({
      onSuccess: async () => {
        setDirty(false);
        toast.success('Organization renamed');
        // The name shows in the sidebar (auth.me) and here (org.current).
        await queryClient.invalidateQueries();
        await router.invalidate();
      },
      onError: (error) => {
        if (!form.fromServer(error)) toast.error(errorMessage(error));
      },
    }),
  );

  return (
    <Card>
      <form noValidate onSubmit={form.handleSubmit(updateOrganizationInput, update.mutate)}>
        <CardHeader>
          <CardTitle>General</CardTitle>
          <CardDescription>Created on {formatDate(createdAt)}.</CardDescription>
        </CardHeader>
        <CardContent>
          <TextField
            key={name}
            label="Organization name"
            name="name"
            defaultValue={name}
            required
            maxLength={100}
            readOnly={!canEdit}
            className="max-w-md"
            error={form.errors.name}
            hint={canEdit ? 'Shown to members and on invitations.' : 'Only owners and admins can rename the organization.'}
            onInput={() => {
              form.clear('name');
              setDirty(true);
            }}
          />
        </CardContent>
        {canEdit ? (
          <CardFooter className="justify-end">
            <Button type="submit" size="sm" pending={update.isPending} disabled={!dirty}>
              Save
            </Button>
          </CardFooter>
        ) : null}
      </form>
    </Card>
  );
}

function MembersCard({ role }: { role: Role }) {
  const trpc = useTRPC();
  const me = useMe();
  const router = useRouter();
  const { queryClient } = Route.useRouteContext();
  const { data: members } = useSuspenseQuery(trpc.org.members.queryOptions());
  const [removing, setRemoving] = useState<Member | null>(null);
  const leaving = removing?.userId === me.user.id;
  const ownerCount = members.filter((m) => m.role === 'owner').length;

  const remove = useMutation(
    trpc.org.removeMember.mutationOptions({
      onSuccess: async () => {
        if (leaving) {
          toast.success('You left the organization');
          setRemoving(null);
          await refreshForOrganizationChange(queryClient, router);
          await router.navigate({ to: '/' });
          return;
        }
        toast.success(`${removing?.email ?? 'Member'} was removed`);
        setRemoving(null);
        await queryClient.invalidateQueries({ queryKey: trpc.org.members.queryKey() });
      },
      onError: (error) => toast.error(errorMessage(error)),
    }),
  );

  return (
    <Card className="overflow-hidden">
      <CardHeader>
        <CardTitle>Members</CardTitle>
        <CardDescription>
          {members.length} {members.length === 1 ? 'person has' : 'people have'} access. Owners and admins manage members, invitations
          and settings.
        </CardDescription>
      </CardHeader>
      <Table>
        <TableHeader>
          <TableRow className="hover:bg-transparent">
            <TableHead className="pl-6">Email</TableHead>
            <TableHead>Role</TableHead>
            <TableHead>Joined</TableHead>
            <TableHead className="pr-6 text-right">
              <span className="sr-only">Actions</span>
            </TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {members.map((member) => {
            const isSelf = member.userId === me.user.id;
            return (
              <TableRow key={member.id}>
                <TableCell className="pl-6 font-medium">
                  {member.email}
                  {isSelf ? <span className="ml-2 text-xs font-normal text-muted-foreground">(you)</span> : null}
                </TableCell>
                <TableCell>
                  <Badge variant={ROLE_BADGE[member.role]}>{ROLE_LABELS[member.role]}</Badge>
                </TableCell>
                <TableCell className="text-muted-foreground">
                  <Timestamp value={member.joinedAt} show={formatDate} />
                </TableCell>
                <TableCell className="pr-6 text-right">
                  {isSelf ? (
                    canLeave(member.role, ownerCount) ? (
                      <Button variant="ghost" size="sm" onClick={() => setRemoving(member)}>
                        <LogOut aria-hidden="true" />
                        Leave organization
                      </Button>
                    ) : null
                  ) : canRemoveMember(role, member.role) ? (
                    <Button
                      variant="ghost"
                      size="sm"
                      className="text-destructive hover:bg-red-50 hover:text-destructive"
                      onClick={() => setRemoving(member)}
                    >
                      <UserMinus aria-hidden="true" />
                      Remove<span className="sr-only"> {member.email}</span>
                    </Button>
                  ) : null}
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
      <ConfirmDialog
        open={removing !== null}
        onOpenChange={(open) => (open ? undefined : setRemoving(null))}
        title={leaving ? 'Leave this organization?' : `Remove ${removing?.email ?? ''}?`}
        description={
          leaving ? (
            <p>You lose access to its agents, deployments and API keys, and the API keys you created in it are deleted. To come back, an admin has to invite you again.</p>
          ) : (
            <p>They lose access to this organization immediately, and the API keys they created in it are deleted.</p>
          )
        }
        confirmLabel={leaving ? 'Leave organization' : 'Remove member'}
        pending={remove.isPending}
        onConfirm={() => removing && remove.mutate({ userId: removing.userId })}
      />
    </Card>
  );
}

function InvitationsCard() {
  const trpc = useTRPC();
  const { queryClient } = Route.useRouteContext();
  const invitations = useQuery(trpc.org.invitations.queryOptions());
  const [revoking, setRevoking] = useState<{ id: string; email: string } | null>(null);
  const revoke = useMutation(
    trpc.org.revokeInvitation.mutationOptions({
      onSuccess: async () => {
        toast.success('Invitation revoked');
        setRevoking(null);
        await queryClient.invalidateQueries({ queryKey: trpc.org.invitations.queryKey() });
      },
      onError: (error) => toast.error(errorMessage(error)),
    }),
  );

  return (
    <Card className="overflow-hidden">
      <CardHeader>
        <CardTitle>Pending invitations</CardTitle>
        <CardDescription>People who were invited but have not joined yet.</CardDescription>
      </CardHeader>
      {invitations.isPending ? (
        <CardContent className="grid gap-3" role="status" aria-label="Loading invitations">
          <Skeleton className="h-5 w-full" />
          <Skeleton className="h-5 w-2/3" />
        </CardContent>
      ) : invitations.isError ? (
        <CardContent>
          <ErrorState
            title="Could not load invitations"
            error={invitations.error}
            onRetry={() => void invitations.refetch()}
            retrying={invitations.isFetching}
          />
        </CardContent>
      ) : invitations.data.length === 0 ? (
        <CardContent>
          <div className="flex items-center gap-3 rounded-lg border border-dashed px-4 py-6 text-sm text-muted-foreground">
            <Users className="size-5 shrink-0" aria-hidden="true" />
            No pending invitations. Use “Invite member” to bring teammates in.
          </div>
        </CardContent>
      ) : (
        <Table>
          <TableHeader>
            <TableRow className="hover:bg-transparent">
              <TableHead className="pl-6">Email</TableHead>
              <TableHead>Role</TableHead>
              <TableHead>Invited by</TableHead>
              <TableHead>Expires</TableHead>
              <TableHead className="pr-6 text-right">
                <span className="sr-only">Actions</span>
              </TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {invitations.data.map((invitation) => (
              <TableRow key={invitation.id}>
                <TableCell className="pl-6 font-medium">{invitation.email}</TableCell>
                <TableCell>
                  <Badge variant={ROLE_BADGE[invitation.role]}>{ROLE_LABELS[invitation.role]}</Badge>
                </TableCell>
                <TableCell className="text-muted-foreground">{invitation.invitedBy?.email ?? '—'}</TableCell>
                <TableCell className="text-muted-foreground">
                  <Timestamp value={invitation.expiresAt} />
                </TableCell>
                <TableCell className="pr-6 text-right">
                  <Button
                    variant="ghost"
                    size="sm"
                    className="text-destructive hover:bg-red-50 hover:text-destructive"
                    onClick={() => setRevoking({ id: invitation.id, email: invitation.email })}
                  >
                    <X aria-hidden="true" />
                    Revoke<span className="sr-only"> invitation</span>
                  </Button>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      <ConfirmDialog
        open={revoking !== null}
        onOpenChange={(open) => (open ? undefined : setRevoking(null))}
        title="Revoke invitation?"
        description={<p>The invitation link sent to {revoking?.email} stops working. You can invite them again later.</p>}
        confirmLabel="Revoke invitation"
        pending={revoke.isPending}
        onConfirm={() => revoking && revoke.mutate({ id: revoking.id })}
      />
    </Card>
  );
}

function InviteMemberDialog({
  open,
  onOpenChange,
  canInviteAdmins,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  canInviteAdmins: boolean;
}) {
  return (
    <FormDialog open={open} onOpenChange={onOpenChange} title="Invite member" description="We email them a link to join. Invitations expire after a few days.">
      <InviteMemberForm onDone={() => onOpenChange(false)} canInviteAdmins={canInviteAdmins} />
    </FormDialog>
  );
}

function InviteMemberForm({ onDone, canInviteAdmins }: { onDone: () => void; canInviteAdmins: boolean }) {
  const trpc = useTRPC();
  const { queryClient } = Route.useRouteContext();
  const roleId = useId();
  const [role, setRole] = useState<'member' | 'admin'>('member');
  const form = useSchemaForm();
  const invite = useMutation(
    trpc.org.invite.mutationOptions({
      onSuccess: async () => {
        toast.success('Invitation sent');
        onDone();
        await queryClient.invalidateQueries({ queryKey: trpc.org.invitations.queryKey() });
      },
      onError: form.onError,
    }),
  );

  return (
    <DialogForm
      onSubmit={form.handleSubmit(inviteMemberInput, invite.mutate, (element) => ({ ...readForm(element), role }))}
      error={form.formError}
      pending={invite.isPending}
      submitLabel="Send invitation"
    >
      <TextField label="Email" {...form.field('email')} type="email" autoComplete="off" autoFocus required placeholder="teammate@company.com" />
      <div className="grid gap-2">
        <Label htmlFor={roleId}>Role</Label>
        <Select value={role} onValueChange={(value) => setRole(value as 'member' | 'admin')}>
          <SelectTrigger id={roleId} aria-invalid={form.errors.role ? true : undefined}>
            <SelectValue />
          </SelectTrigger>
          <SelectContent>
            <SelectItem value="member">Member</SelectItem>
            {canInviteAdmins ? <SelectItem value="admin">Admin</SelectItem> : null}
          </SelectContent>
        </Select>
        <p className="text-xs text-muted-foreground">
          {role === 'admin' ? 'Admins can also invite and remove members, and manage settings.' : 'Members can work with agents, deployments and API keys.'}
        </p>
        {form.errors.role ? <p className="text-xs font-medium text-destructive">{form.errors.role}</p> : null}
      </div>
    </DialogForm>
  );
}

function OrganizationSkeleton() {
  return (
    <div role="status" aria-label="Loading organization">
      <PageHeaderSkeleton titleWidth="w-44" descriptionWidth="w-72" actionWidth="w-36" />
      <div className="grid gap-6">
        <Skeleton className="h-44 rounded-xl" />
        <Skeleton className="h-64 rounded-xl" />
      </div>
    </div>
  );
}
