// Accepts an invitation. The token is single-use: it is claimed by one conditional UPDATE inside
// the transaction that adds the membership.
// - The invited email has an account: the request must come from that user's session; the user
//   joins and the session switches to the organization.
// - No account yet: `password` creates one, already verified (the invitation mail proves the
//   address), which joins the organization; a new session is opened for it.
import { and, eq, gt, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client.ts';
import { invitations, memberships, sessions, users, type Role } from '../../../db/schema/index.ts';
import { recordAudit } from '../audit.ts';
import { hashPassword } from '../auth/password.ts';
import { createUserSession, type IssuedSession } from '../auth/session-store.ts';
import type { Actor, DomainCtx } from '../context.ts';
import { AppError, conflict, forbidden } from '../errors.ts';
import { findOpenInvitation, invalidInvitation } from './find-open-invitation.ts';
import type { AcceptInvitationInput } from './org-schemas.ts';

type AcceptedUser = { id: string; email: string; createdAt: Date };
type Joined = { user: AcceptedUser; organization: { id: string; name: string }; role: Role };

export type AcceptInvitationResult = (Joined & { kind: 'joined' }) | (Joined & { kind: 'signedUp'; session: IssuedSession });

async function claimInvitation(tx: DbOrTx, invitationId: string, now: Date): Promise<void> {
  const [claimed] = await tx
    .update(invitations)
    .set({ acceptedAt: now })
    .where(and(eq(invitations.id, invitationId), isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, now)))
    .returning({ id: invitations.id });
  if (!claimed) throw invalidInvitation();
}

/** Adds the membership (an existing one keeps its role) and returns the role the user now has. */
async function join(tx: DbOrTx, orgId: string, userId: string, role: Role, now: Date): Promise<Role> {
  const [inserted] = await tx
    .insert(memberships)
    .values({ orgId, userId, role, joinedAt: now })
    .onConflictDoNothing()
    .returning({ role: memberships.role });
  if (inserted) return inserted.role;
  const [current] = await tx
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)));
  return current.role;
}

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } };
  return e?.code === '23505' || e?.cause?.code === '23505';
}

export async function acceptInvitation(
  ctx: DomainCtx,
  input: AcceptInvitationInput,
  client: { userAgent?: string | null } = {},
): Promise<AcceptInvitationResult> {
  const now = ctx.now();
  const inv = await findOpenInvitation(ctx.db, input.token, now);
  const organization = { id: inv.orgId, name: inv.organizationName };
  const [existing] = await ctx.db
    .select({ id: users.id, email: users.email, createdAt: users.createdAt, emailVerifiedAt: users.emailVerifiedAt, defaultOrgId: users.defaultOrgId })
    .from(users)
    .where(eq(users.email, inv.email))
    .limit(1);

  if (existing) {
    const actor = ctx.actor;
    if (actor.kind === 'anonymous') {
      throw new AppError('UNAUTHORIZED', `Sign in as ${inv.email} to accept this invitation`);
    }
    if (actor.kind !== 'session') throw forbidden('Invitations are accepted by a signed-in user, not with an API key');
    if (actor.userId !== existing.id) throw forbidden('This invitation was sent to a different email address');
    const role = await ctx.db.transaction(async (tx) => {
      await claimInvitation(tx, inv.id, now);
      const joinedRole = await join(tx, inv.orgId, existing.id, inv.role, now);
      await tx.update(sessions).set({ activeOrgId: inv.orgId }).where(eq(sessions.id, actor.sessionId));
      if (!existing.emailVerifiedAt || !existing.defaultOrgId) {
        await tx
          .update(users)
          .set({ emailVerifiedAt: existing.emailVerifiedAt ?? now, defaultOrgId: existing.defaultOrgId ?? inv.orgId, updatedAt: now })
          .where(eq(users.id, existing.id));
      }
      await recordAudit(tx, actor, {
        orgId: inv.orgId,
        action: 'invitation.accept',
        resourceType: 'invitation',
        resourceId: inv.id,
        metadata: { email: inv.email, role: joinedRole, newAccount: false },
      });
      return joinedRole;
    });
    return { kind: 'joined', user: { id: existing.id, email: existing.email, createdAt: existing.createdAt }, organization, role };
  }

  if (!input.password) {
    throw new AppError('VALIDATION_ERROR', 'A password is required to create your account', {
      details: [{ path: 'password', message: 'Password is required' }],
    });
  }
  const passwordHash = await hashPassword(input.password);
  let joined: { user: AcceptedUser; role: Role };
  try {
    joined = await ctx.db.transaction(async (tx) => {
      await claimInvitation(tx, inv.id, now);
      const [user] = await tx
        .insert(users)
        .values({ email: inv.email, passwordHash, emailVerifiedAt: now, defaultOrgId: inv.orgId, createdAt: now, updatedAt: now })
        .returning({ id: users.id, email: users.email, createdAt: users.createdAt });
      const role = await join(tx, inv.orgId, user.id, inv.role, now);
      const auditActor: Actor = { kind: 'session', userId: user.id, sessionId: '', orgId: inv.orgId, role, ip: ctx.actor.ip };
      await recordAudit(tx, auditActor, {
        orgId: inv.orgId,
        action: 'invitation.accept',
        resourceType: 'invitation',
        resourceId: inv.id,
        metadata: { email: inv.email, role, newAccount: true },
      });
      return { user, role };
    });
  } catch (err) {
    // Someone created the account between the look-up and the insert.
    if (isUniqueViolation(err)) throw conflict('An account with this email already exists: sign in to accept the invitation');
    throw err;
  }
  const session = await createUserSession(ctx.db, ctx.lucia, {
    userId: joined.user.id,
    activeOrgId: inv.orgId,
    rememberMe: false,
    ip: ctx.actor.ip ?? null,
    userAgent: client.userAgent ?? null,
    now,
  });
  return { kind: 'signedUp', user: joined.user, organization, role: joined.role, session };
}
