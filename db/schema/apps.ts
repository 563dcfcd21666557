// Agent apps and their uploaded packages.
import { bigint, index, jsonb, pgTable, text, uniqueIndex, uuid, boolean } from 'drizzle-orm/pg-core';
import { users } from './auth.ts';
import { orgIdColumn, tstz } from './columns.ts';

export const agentApps = pgTable(
  'agent_apps',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: orgIdColumn(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    isPublic: boolean('is_public').notNull().default(false),
    /** The package the runtime serves now (set when a deployment completes). */
    activePackageId: uuid('active_package_id'),
    /** Armoured OpenPGP public keys; when present, deploys must carry a valid signature. */
    trustedPublicKeys: jsonb('trusted_public_keys').$type<string[]>().notNull().default([]),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: tstz('created_at').notNull().defaultNow(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('agent_apps_org_name_uq').on(t.orgId, t.name), index('agent_apps_org_idx').on(t.orgId, t.createdAt)],
);

export const SIGNATURE_STATUSES = ['none', 'unverified', 'verified'] as const;

export const packages = pgTable(
  'packages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: orgIdColumn(),
    appId: uuid('app_id')
      .notNull()
      .references(() => agentApps.id, { onDelete: 'cascade' }),
    version: text('version').notNull(),
    storageKey: text('storage_key').notNull(),
    size: bigint('size', { mode: 'number' }).notNull(),
    sha256: text('sha256').notNull(),
    releaseNotes: text('release_notes'),
    signatureKey: text('signature_key'),
    signatureStatus: text('signature_status', { enum: SIGNATURE_STATUSES }).notNull().default('none'),
    manifest: jsonb('manifest').$type<Record<string, unknown>>(),
    warnings: jsonb('warnings').$type<string[]>().notNull().default([]),
    uploadedBy: uuid('uploaded_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('packages_app_version_uq').on(t.appId, t.version), index('packages_app_idx').on(t.appId, t.createdAt)],
);
