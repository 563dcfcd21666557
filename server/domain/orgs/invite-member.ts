// Invites someone by email (owner or admin; admins may invite members and admins). An open
// invitation for the same email is replaced: the old link stops working and a new mail is sent.
import { and, eq, isNull } from 'drizzle-orm';
import { invitations, memberships, organizations, users } from '../../../db/schema/index.ts';
import { recordAudit } from '../audit.ts';
import { requireRole, type DomainCtx } from '../context.ts';
import { AppError, conflict, notFound } from '../errors.ts';
import { randomToken, sha256Hex } from '../tokens.ts';
import { invitationLink, invitationMail } from './invitation-mail.ts';
import type { InviteMemberInput } from './org-schemas.ts';

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export async function inviteMember(ctx: DomainCtx, input: InviteMemberInput) {
  const actor = requireRole(ctx, 'admin');
  const email = input.email.trim().toLowerCase();
  const token = randomToken(32);
  const now = ctx.now();
  const expiresAt = new Date(now.getTime() + INVITATION_TTL_MS);

  const { invitation, organizationName, inviterEmail, replaced } = await ctx.db.transaction(async (tx) => {
    // Locking the organization row serializes invitations of one org, so two concurrent invites
    // of the same email replace each other instead of colliding on the open-invitation index.
    const [org] = await tx
      .select({ name: organizations.name })
      .from(organizations)
      .where(eq(organizations.id, actor.orgId))
      .for('no key update');
    if (!org) throw notFound('Organization');

    const [existing] = await tx
      .select({ id: memberships.id })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.orgId, actor.orgId), eq(users.email, email)))
      .limit(1);
    if (existing) throw conflict('This person is already a member of the organization');

    const revoked = await tx
      .update(invitations)
      .set({ revokedAt: now })
      .where(and(eq(invitations.orgId, actor.orgId), eq(invitations.email, email), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
      .returning({ id: invitations.id });

    const [row] = await tx
      .insert(invitations)
      .values({ orgId: actor.orgId, email, role: input.role, tokenHash: sha256Hex(token), invitedBy: actor.userId, expiresAt, createdAt: now })
      .returning({ id: invitations.id, email: invitations.email, role: invitations.role, expiresAt: invitations.expiresAt, createdAt: invitations.createdAt });

    let inviter: string | null = null;
    if (actor.userId) {
      const [u] = await tx.select({ email: users.email }).from(users).where(eq(users.id, actor.userId));
      inviter = u?.email ?? null;
    }
    await recordAudit(tx, actor, {
      orgId: actor.orgId,
      action: 'invitation.create',
      resourceType: 'invitation',
      resourceId: row.id,
      metadata: { email, role: input.role, replaced: revoked.map((r) => r.id) },
    });
    return { invitation: row, organizationName: org.name, inviterEmail: inviter, replaced: revoked.length > 0 };
  });

  // Mail leaves after the commit: a rolled-back invitation never sends a link.
  try {
    await ctx.adapters.mail.send(
      invitationMail({
        to: email,
        organizationName,
        inviterEmail,
        role: invitation.role,
        link: invitationLink(ctx.config.publicUrl, token),
        expiresAt: invitation.expiresAt,
      }),
    );
  } catch (err) {
    ctx.log.error({ err, invitationId: invitation.id }, 'could not send invitation mail');
    throw new AppError('SERVICE_UNAVAILABLE', 'The invitation was saved but the email could not be sent; invite again to resend it');
  }
  return { ...invitation, replaced };
}
