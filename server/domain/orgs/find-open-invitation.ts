// Looks up an invitation by the token from its link. Only open ones count: not accepted, not
// revoked, not expired; anything else is INVALID_TOKEN.
import { and, eq, gt, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client.ts';
import { invitations, organizations } from '../../../db/schema/index.ts';
import { AppError } from '../errors.ts';
import { sha256Hex } from '../tokens.ts';

export const invalidInvitation = () => new AppError('INVALID_TOKEN', 'This invitation is invalid or has expired');

export async function findOpenInvitation(db: DbOrTx, token: string, now: Date) {
  const [row] = await db
    .select({
      id: invitations.id,
      orgId: invitations.orgId,
      organizationName: organizations.name,
      email: invitations.email,
      role: invitations.role,
      expiresAt: invitations.expiresAt,
    })
    .from(invitations)
    .innerJoin(organizations, eq(organizations.id, invitations.orgId))
    .where(
      and(
        eq(invitations.tokenHash, sha256Hex(token)),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
        gt(invitations.expiresAt, now),
      ),
    )
    .limit(1);
  if (!row) throw invalidInvitation();
  return row;
}
