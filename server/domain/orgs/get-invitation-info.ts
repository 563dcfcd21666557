// Public: what an invitation link offers, so the accept page can show it and ask for a password
// (new account) or a sign-in (existing account).
import { eq } from 'drizzle-orm';
import { users } from '../../../db/schema/index.ts';
import type { DomainCtx } from '../context.ts';
import { findOpenInvitation } from './find-open-invitation.ts';

export async function getInvitationInfo(ctx: DomainCtx, token: string) {
  const inv = await findOpenInvitation(ctx.db, token, ctx.now());
  const [user] = await ctx.db.select({ id: users.id }).from(users).where(eq(users.email, inv.email)).limit(1);
  return {
    organizationName: inv.organizationName,
    email: inv.email,
    role: inv.role,
    expiresAt: inv.expiresAt,
    accountExists: Boolean(user),
  };
}
