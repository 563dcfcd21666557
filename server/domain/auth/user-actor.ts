// Helpers shared by the authentication functions: the actor a just-identified user acts as, and
// the organization a new session starts in.
import { and, asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client.ts';
import { memberships, type Role } from '../../../db/schema/index.ts';
import type { Actor } from '../context.ts';

/** The actor for audit rows of a user who is not (yet) acting through a session. */
export function userActor(userId: string, orgId: string | null, role: Role | null, ip: string | undefined, sessionId = ''): Actor {
  return { kind: 'session', userId, sessionId, orgId, role, ip };
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The user's default organization when they are still a member of it, else their oldest membership. */
export async function findStartingOrganization(
  db: DbOrTx,
  user: { id: string; defaultOrgId: string | null },
  preferredOrgId: string | null = user.defaultOrgId,
): Promise<{ orgId: string; role: Role } | null> {
  if (preferredOrgId) {
    const [m] = await db
      .select({ orgId: memberships.orgId, role: memberships.role })
      .from(memberships)
      .where(and(eq(memberships.userId, user.id), eq(memberships.orgId, preferredOrgId)))
      .limit(1);
    if (m) return m;
  }
  const [first] = await db
    .select({ orgId: memberships.orgId, role: memberships.role })
    .from(memberships)
    .where(eq(memberships.userId, user.id))
    .orderBy(asc(memberships.joinedAt), asc(memberships.id))
    .limit(1);
  return first ?? null;
}
