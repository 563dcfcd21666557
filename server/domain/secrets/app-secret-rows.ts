// Reading and writing the app_secrets rows of one app (inside the caller's transaction). Callers
// hold the app row FOR UPDATE, so the per-app limit cannot be raced past.
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client.ts';
import { appSecrets } from '../../../db/schema/index.ts';
import type { SecretBox } from '../crypto/secret-box.ts';
import { AppError } from '../errors.ts';
import { MAX_SECRETS_PER_APP } from './secret-schemas.ts';
import { decryptSecretValue, encryptSecretValue } from './secret-value-crypto.ts';

export type AppSecretRow = typeof appSecrets.$inferSelect;

/** The app's rows ordered by key (code-point order, the same on every database collation). */
export async function loadAppSecretRows(db: DbOrTx, appId: string): Promise<AppSecretRow[]> {
  const rows = await db.select().from(appSecrets).where(eq(appSecrets.appId, appId));
  return rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** The decrypted values of an app's secrets (a null-prototype object, keys sorted). */
export async function readAppSecretValues(db: DbOrTx, box: SecretBox, appId: string): Promise<Record<string, string>> {
  const values: Record<string, string> = Object.create(null);
  for (const row of await loadAppSecretRows(db, appId)) values[row.key] = decryptSecretValue(box, row);
  return values;
}

export function tooManySecrets(): AppError {
  const message = `An agent app can have at most ${MAX_SECRETS_PER_APP} secrets`;
  return new AppError('VALIDATION_ERROR', message, { details: [{ path: 'secrets', message }] });
}

export type SecretChanges = { added: string[]; changed: string[]; unchanged: string[] };

/**
 * Creates or updates the given secrets of an app (other keys stay). Rows whose value does not change
 * keep their updated_at. Throws 400 when the app would end up with more than the limit.
 */
export async function upsertAppSecretRows(
  tx: DbOrTx,
  box: SecretBox,
  app: { id: string; orgId: string },
  entries: Record<string, string>,
  now: Date,
  existingRows?: AppSecretRow[],
): Promise<SecretChanges> {
  const existing = new Map((existingRows ?? (await loadAppSecretRows(tx, app.id))).map((r) => [r.key, r]));
  const changes: SecretChanges = { added: [], changed: [], unchanged: [] };
  const keys = Object.keys(entries).sort();
  const newKeys = keys.filter((k) => !existing.has(k));
  if (existing.size + newKeys.length > MAX_SECRETS_PER_APP) throw tooManySecrets();
  for (const key of keys) {
    const value = entries[key];
    const row = existing.get(key);
    if (!row) {
      await tx.insert(appSecrets).values({
        orgId: app.orgId,
        appId: app.id,
        key,
        valueEncrypted: encryptSecretValue(box, app.id, key, value),
        createdAt: now,
        updatedAt: now,
      });
      changes.added.push(key);
      continue;
    }
    if (sameValue(box, row, value)) {
      changes.unchanged.push(key);
      continue;
    }
    await tx
      .update(appSecrets)
      .set({ valueEncrypted: encryptSecretValue(box, app.id, key, value), updatedAt: now })
      .where(eq(appSecrets.id, row.id));
    changes.changed.push(key);
  }
  return changes;
}

/** True when the row already holds `value` under the current key (an unreadable row is overwritten). */
function sameValue(box: SecretBox, row: AppSecretRow, value: string): boolean {
  try {
    return !box.needsReencryption(row.valueEncrypted) && decryptSecretValue(box, row) === value;
  } catch {
    return false;
  }
}

export async function deleteAppSecretRows(tx: DbOrTx, appId: string, keys?: string[]): Promise<string[]> {
  if (keys && keys.length === 0) return [];
  const rows = await tx
    .delete(appSecrets)
    .where(keys ? and(eq(appSecrets.appId, appId), inArray(appSecrets.key, keys)) : eq(appSecrets.appId, appId))
    .returning({ key: appSecrets.key });
  return rows.map((r) => r.key).sort();
}

export async function countAppSecrets(db: DbOrTx, appId: string): Promise<number> {
  const [{ n }] = await db.select({ n: sql<number>`count(*)::int` }).from(appSecrets).where(eq(appSecrets.appId, appId));
  return Number(n);
}
