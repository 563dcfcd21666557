// Finishes a rotation of SECRETS_ENCRYPTION_KEY: re-encrypts, with the current key, every app secret
// and every deployment environment that is still encrypted with a key from
// SECRETS_ENCRYPTION_PREVIOUS_KEYS. Afterwards the previous key can be dropped. Idempotent and safe
// to run while the server serves traffic (each row is rewritten only if unchanged since it was read).
import { and, eq, isNotNull } from 'drizzle-orm';
import type { Db } from '../../../db/client.ts';
import { appSecrets, deployments } from '../../../db/schema/index.ts';
import type { SecretBox } from '../crypto/secret-box.ts';

export type ReencryptResult = { appSecrets: number; deploymentEnvironments: number; failed: number };

export async function reencryptSecrets(services: { db: Db; secrets: SecretBox }): Promise<ReencryptResult> {
  const { db, secrets: box } = services;
  const result: ReencryptResult = { appSecrets: 0, deploymentEnvironments: 0, failed: 0 };

  const secretRows = await db.select({ id: appSecrets.id, value: appSecrets.valueEncrypted }).from(appSecrets);
  for (const row of secretRows) {
    if (!box.needsReencryption(row.value)) continue;
    try {
      const next = box.encrypt(box.decrypt(row.value));
      const updated = await db
        .update(appSecrets)
        .set({ valueEncrypted: next })
        .where(and(eq(appSecrets.id, row.id), eq(appSecrets.valueEncrypted, row.value)))
        .returning({ id: appSecrets.id });
      result.appSecrets += updated.length;
    } catch {
      result.failed++;
    }
  }

  const envRows = await db.select({ id: deployments.id, value: deployments.envEncrypted }).from(deployments).where(isNotNull(deployments.envEncrypted));
  for (const row of envRows) {
    if (!row.value || !box.needsReencryption(row.value)) continue;
    try {
      const next = box.encrypt(box.decrypt(row.value));
      const updated = await db
        .update(deployments)
        .set({ envEncrypted: next })
        .where(and(eq(deployments.id, row.id), eq(deployments.envEncrypted, row.value)))
        .returning({ id: deployments.id });
      result.deploymentEnvironments += updated.length;
    } catch {
      result.failed++;
    }
  }
  return result;
}
