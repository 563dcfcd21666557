// Per-app secrets (`pixell secrets`): environment variables injected into every deployment of the
// app. Values are AES-256-GCM encrypted (server/domain/secrets/secret-value-crypto.ts); only key
// names are ever shown in logs or audit rows.
import { index, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { agentApps } from './apps.ts';
import { orgIdColumn, tstz } from './columns.ts';

export const appSecrets = pgTable(
  'app_secrets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: orgIdColumn(),
    appId: uuid('app_id')
      .notNull()
      .references(() => agentApps.id, { onDelete: 'cascade' }),
    /** `^[A-Z0-9_]+$` */
    key: text('key').notNull(),
    /** SecretBox ciphertext of `{"a": appId, "k": key, "v": value}` (bound to its app and key). */
    valueEncrypted: text('value_encrypted').notNull(),
    createdAt: tstz('created_at').notNull().defaultNow(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('app_secrets_app_key_uq').on(t.appId, t.key), index('app_secrets_org_idx').on(t.orgId)],
);
