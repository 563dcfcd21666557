// Creates an organization with its first owner and the signup credit grant, in the caller's
// transaction.
import type { DbOrTx } from '../../../db/client.ts';
import { memberships, organizations } from '../../../db/schema/index.ts';
import { recordAudit } from '../audit.ts';
import type { Actor } from '../context.ts';
import { applyCreditChange } from '../credits/apply-credit-change.ts';

export async function createOrganization(
  tx: DbOrTx,
  input: { name: string; ownerUserId: string; signupCredits: number; actor: Actor },
) {
  const [org] = await tx.insert(organizations).values({ name: input.name, credits: 0 }).returning();
  await tx.insert(memberships).values({ orgId: org.id, userId: input.ownerUserId, role: 'owner' });
  let credits = 0;
  if (input.signupCredits > 0) {
    ({ balanceAfter: credits } = await applyCreditChange(tx, {
      orgId: org.id,
      amount: input.signupCredits,
      type: 'grant',
      description: 'Signup credits',
    }));
  }
  // At signup nobody is signed in yet: the audit row names the new owner as the actor.
  const auditActor: Actor =
    input.actor.kind === 'anonymous'
      ? { kind: 'session', userId: input.ownerUserId, sessionId: '', orgId: org.id, role: 'owner', ip: input.actor.ip }
      : input.actor;
  await recordAudit(tx, auditActor, {
    orgId: org.id,
    action: 'organization.create',
    resourceType: 'organization',
    resourceId: org.id,
    metadata: { name: input.name, signupCredits: input.signupCredits },
  });
  return { ...org, credits };
}
