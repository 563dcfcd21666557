// Single-use tokens sent by email (address verification, password reset). The link carries the
// random token; the table holds only its SHA-256. A token is consumed by one conditional UPDATE, so
// two concurrent uses cannot both succeed.
import { and, count, eq, gt, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client.ts';
import { emailTokens } from '../../../db/schema/index.ts';
import { randomToken, sha256Hex } from '../tokens.ts';

export type EmailTokenPurpose = 'verify_email' | 'reset_password';

export const EMAIL_TOKEN_TTL_MS: Record<EmailTokenPurpose, number> = {
  verify_email: 24 * 60 * 60 * 1000,
  reset_password: 60 * 60 * 1000,
};

/** At most this many mails of one purpose per account and hour; further requests send nothing. */
export const EMAIL_TOKENS_PER_HOUR = 5;

/** Stores a new token and returns its clear value (to be put in a link, never logged). */
export async function issueEmailToken(tx: DbOrTx, input: { userId: string; purpose: EmailTokenPurpose; now: Date }): Promise<string> {
  const token = randomToken(32);
  await tx.insert(emailTokens).values({
    userId: input.userId,
    purpose: input.purpose,
    tokenHash: sha256Hex(token),
    expiresAt: new Date(input.now.getTime() + EMAIL_TOKEN_TTL_MS[input.purpose]),
    createdAt: input.now,
  });
  return token;
}

/** Marks a valid (known, unused, unexpired) token used; returns its user, or null. */
export async function consumeEmailToken(
  tx: DbOrTx,
  input: { token: string; purpose: EmailTokenPurpose; now: Date },
): Promise<string | null> {
  const [row] = await tx
    .update(emailTokens)
    .set({ usedAt: input.now })
    .where(
      and(
        eq(emailTokens.tokenHash, sha256Hex(input.token)),
        eq(emailTokens.purpose, input.purpose),
        isNull(emailTokens.usedAt),
        gt(emailTokens.expiresAt, input.now),
      ),
    )
    .returning({ userId: emailTokens.userId });
  return row?.userId ?? null;
}

/** Marks every open token of a purpose of a user used (a newer one, or the action, supersedes them). */
export async function revokeEmailTokens(tx: DbOrTx, input: { userId: string; purpose: EmailTokenPurpose; now: Date }): Promise<void> {
  await tx
    .update(emailTokens)
    .set({ usedAt: input.now })
    .where(and(eq(emailTokens.userId, input.userId), eq(emailTokens.purpose, input.purpose), isNull(emailTokens.usedAt)));
}

/** How many tokens of a purpose were issued to a user in the last hour (mail flood guard). */
export async function countRecentEmailTokens(tx: DbOrTx, input: { userId: string; purpose: EmailTokenPurpose; now: Date }): Promise<number> {
  const [row] = await tx
    .select({ n: count() })
    .from(emailTokens)
    .where(
      and(
        eq(emailTokens.userId, input.userId),
        eq(emailTokens.purpose, input.purpose),
        gt(emailTokens.createdAt, new Date(input.now.getTime() - 60 * 60 * 1000)),
      ),
    );
  return Number(row?.n ?? 0);
}
