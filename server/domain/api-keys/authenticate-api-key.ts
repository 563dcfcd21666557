// Looks up an API key by the SHA-256 of the presented secret: one indexed query per request.
// The key acts in the organization that owns it, with the current role of the member who created it.
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { apiKeys, memberships, type Role } from '../../../db/schema/index.ts';
import { sha256Hex } from '../tokens.ts';

export type ApiKeyIdentity = { apiKeyId: string; orgId: string; role: Role; userId: string | null };

/** One statement, built once per database handle (it runs for every API request). */
function buildLookup(db: Db) {
  return db
    .select({ id: apiKeys.id, orgId: apiKeys.orgId, createdBy: apiKeys.createdBy, role: memberships.role })
    .from(apiKeys)
    .leftJoin(memberships, and(eq(memberships.orgId, apiKeys.orgId), eq(memberships.userId, apiKeys.createdBy)))
    .where(eq(apiKeys.keyHash, sql.placeholder('keyHash')))
    .limit(1)
    .prepare('authenticate_api_key');
}

const lookups = new WeakMap<Db, ReturnType<typeof buildLookup>>();

export async function authenticateApiKey(db: Db, presented: string): Promise<ApiKeyIdentity | null> {
  if (!presented || presented.length > 200) return null;
  let lookup = lookups.get(db);
  if (!lookup) {
    lookup = buildLookup(db);
    lookups.set(db, lookup);
  }
  const [row] = await lookup.execute({ keyHash: sha256Hex(presented) });
  if (!row) return null;
  return apiKeyIdentity(row);
}

/** The identity of a found key: it acts with the current role of the member who created it. */
export function apiKeyIdentity(row: { id: string; orgId: string; createdBy: string | null; role: Role | null }): ApiKeyIdentity {
  return { apiKeyId: row.id, orgId: row.orgId, role: row.role ?? 'member', userId: row.createdBy };
}

const LAST_USED_INTERVAL_MS = 60_000;
const lastWritten = new Map<string, number>();

/**
 * Keeps `last_used_at` current with at most one write a minute per key and process; the
 * conditional UPDATE keeps several processes from writing more often than that either.
 */
export function touchApiKey(db: Db, apiKeyId: string, now: Date, onError: (err: unknown) => void): void {
  const previous = lastWritten.get(apiKeyId);
  if (previous !== undefined && now.getTime() - previous < LAST_USED_INTERVAL_MS) return;
  lastWritten.set(apiKeyId, now.getTime());
  if (lastWritten.size > 10_000) lastWritten.clear();
  const threshold = new Date(now.getTime() - LAST_USED_INTERVAL_MS);
  db.update(apiKeys)
    .set({ lastUsedAt: now })
    .where(and(eq(apiKeys.id, apiKeyId), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, threshold))))
    .then(
      () => undefined,
      (err: unknown) => {
        lastWritten.delete(apiKeyId);
        onError(err);
      },
    );
}
