// Ends the current session server-side (its access and refresh tokens stop working at once).
import { eq } from 'drizzle-orm';
import { sessions } from '../../../db/schema/index.ts';
import { recordAudit } from '../audit.ts';
import { requireSessionActor, type DomainCtx } from '../context.ts';

export const LOGGED_OUT_MESSAGE = 'Logged out successfully';

export async function logOut(ctx: DomainCtx): Promise<void> {
  const actor = requireSessionActor(ctx);
  await ctx.db.transaction(async (tx) => {
    await tx.delete(sessions).where(eq(sessions.id, actor.sessionId));
    await recordAudit(tx, actor, { orgId: actor.orgId, action: 'user.logout', resourceType: 'session', resourceId: null });
  });
}
