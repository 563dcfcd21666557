// Exchanges a refresh token for a new session (rotation): the old session, and with it the old
// access and refresh tokens, is deleted in the same statement that finds it, so a refresh token
// works exactly once even when presented twice at the same time.
import { and, eq, gt } from 'drizzle-orm';
import { sessions, users } from '../../../db/schema/index.ts';
import type { DomainCtx } from '../context.ts';
import { unauthorized } from '../errors.ts';
import { sha256Hex } from '../tokens.ts';
import type { RefreshInput } from './auth-schemas.ts';
import type { LoginResult } from './log-in.ts';
import { createUserSession } from './session-store.ts';
import { findStartingOrganization } from './user-actor.ts';

export async function refreshSession(ctx: DomainCtx, input: RefreshInput, meta: { userAgent?: string | null } = {}): Promise<LoginResult> {
  const now = ctx.now();
  const [old] = await ctx.db
    .delete(sessions)
    .where(and(eq(sessions.refreshTokenHash, sha256Hex(input.refresh_token)), gt(sessions.refreshExpiresAt, now)))
    .returning({ userId: sessions.userId, activeOrgId: sessions.activeOrgId, rememberMe: sessions.rememberMe });
  if (!old) throw unauthorized();
  const [user] = await ctx.db
    .select({ id: users.id, email: users.email, defaultOrgId: users.defaultOrgId, createdAt: users.createdAt })
    .from(users)
    .where(eq(users.id, old.userId));
  if (!user) throw unauthorized();
  // Stay in the same organization unless the user has left it meanwhile.
  const org = await findStartingOrganization(ctx.db, user, old.activeOrgId ?? user.defaultOrgId);
  const session = await createUserSession(ctx.db, ctx.lucia, {
    userId: user.id,
    activeOrgId: org?.orgId ?? null,
    rememberMe: old.rememberMe,
    ip: ctx.actor.ip ?? null,
    userAgent: meta.userAgent ?? null,
    now,
  });
  return { user: { id: user.id, email: user.email, createdAt: user.createdAt }, session };
}
