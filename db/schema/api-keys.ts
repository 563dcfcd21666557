// API keys: only the SHA-256 of the full key is stored, with a short preview to tell keys apart.
import { index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { users } from './auth.ts';
import { orgIdColumn, tstz } from './columns.ts';

export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: orgIdColumn(),
    name: text('name').notNull(),
    keyHash: text('key_hash').notNull().unique(),
    keyPreview: text('key_preview').notNull(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    lastUsedAt: tstz('last_used_at'),
    rotatedAt: tstz('rotated_at'),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [index('api_keys_org_idx').on(t.orgId)],
);
