// GET /api/credits/history: the organization's ledger, newest first, keyset-paginated on
// (created_at, id) with an opaque cursor that keeps the microseconds, optionally filtered by type.
import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { creditTransactions } from '../../../db/schema/index.ts';
import type { CreditHistoryQuery } from '../billing/billing-schemas.ts';
import { requireOrgActor, type DomainCtx } from '../context.ts';

export type CreditHistoryEntry = typeof creditTransactions.$inferSelect;

export async function listCreditHistory(ctx: DomainCtx, q: CreditHistoryQuery): Promise<{ transactions: CreditHistoryEntry[]; nextCursor: string | null }> {
  const actor = requireOrgActor(ctx);
  const where: SQL[] = [eq(creditTransactions.orgId, actor.orgId)];
  if (q.type?.length) where.push(inArray(creditTransactions.type, q.type));
  if (q.cursor) where.push(sql`(${creditTransactions.createdAt}, ${creditTransactions.id}) < (${q.cursor.at}::timestamptz, ${q.cursor.id}::uuid)`);
  const rows = await ctx.db
    .select({ tx: creditTransactions, at: sql<string>`${creditTransactions.createdAt}::text` })
    .from(creditTransactions)
    .where(and(...where))
    .orderBy(desc(creditTransactions.createdAt), desc(creditTransactions.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    transactions: page.map((r) => r.tx),
    nextCursor: rows.length > q.limit && last ? encodeKeysetCursor(last.at, last.tx.id) : null,
  };
}

export function encodeKeysetCursor(atText: string, id: string): string {
  return Buffer.from(`${atText}|${id}`).toString('base64url');
}
