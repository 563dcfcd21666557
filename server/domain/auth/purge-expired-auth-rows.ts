// Housekeeping for a periodic worker: removes authentication rows that can never be used again —
// sessions whose access and refresh tokens have both expired, email tokens that are used or expired
// (kept one day for support questions), and login failures that have left the counting window.
import { and, lte, or } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client.ts';
import { emailTokens, loginFailures, sessions } from '../../../db/schema/index.ts';
import type { Config } from '../../config.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

export async function purgeExpiredAuthRows(
  db: DbOrTx,
  config: Pick<Config, 'login'>,
  now: Date,
): Promise<{ sessions: number; emailTokens: number; loginFailures: number }> {
  const deadSessions = await db
    .delete(sessions)
    .where(and(lte(sessions.expiresAt, now), lte(sessions.refreshExpiresAt, now)))
    .returning({ id: sessions.id });
  const dayAgo = new Date(now.getTime() - DAY_MS);
  const deadTokens = await db
    .delete(emailTokens)
    .where(or(lte(emailTokens.expiresAt, dayAgo), lte(emailTokens.usedAt, dayAgo)))
    .returning({ id: emailTokens.id });
  const cutoff = new Date(now.getTime() - config.login.windowMinutes * 60_000);
  const oldFailures = await db.delete(loginFailures).where(lte(loginFailures.failedAt, cutoff)).returning({ id: loginFailures.id });
  return { sessions: deadSessions.length, emailTokens: deadTokens.length, loginFailures: oldFailures.length };
}
