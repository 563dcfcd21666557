// The only way a balance changes: one conditional UPDATE of organizations.credits and one ledger row
// with balance_after, in the caller's transaction. A debit that would go below zero changes nothing.
import { and, eq, gte, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client.ts';
import { creditTransactions, organizations, type CreditTransactionType } from '../../../db/schema/index.ts';
import { AppError } from '../errors.ts';

export async function applyCreditChange(
  tx: DbOrTx,
  change: { orgId: string; amount: number; type: CreditTransactionType; description: string },
): Promise<{ balanceAfter: number; transactionId: string }> {
  if (!Number.isInteger(change.amount)) throw new Error('credit amounts are whole numbers');
  const where =
    change.amount < 0
      ? and(eq(organizations.id, change.orgId), gte(organizations.credits, -change.amount))
      : eq(organizations.id, change.orgId);
  const [updated] = await tx
    .update(organizations)
    .set({ credits: sql`${organizations.credits} + ${change.amount}` })
    .where(where)
    .returning({ credits: organizations.credits });
  if (!updated) {
    const [org] = await tx.select({ credits: organizations.credits }).from(organizations).where(eq(organizations.id, change.orgId));
    if (!org) throw new AppError('NOT_FOUND', 'Organization not found');
    throw new AppError('INSUFFICIENT_CREDITS', 'Insufficient credits', { extra: { required: -change.amount, available: org.credits } });
  }
  const [row] = await tx
    .insert(creditTransactions)
    .values({ orgId: change.orgId, type: change.type, amount: change.amount, balanceAfter: updated.credits, description: change.description })
    .returning({ id: creditTransactions.id });
  return { balanceAfter: updated.credits, transactionId: row.id };
}
