// Usage: raw events (invocations reported by the runtime, API calls, package uploads, deployments),
// per-day roll-ups kept current in the same transaction as each event (charts and metrics read only
// the roll-ups), and the usage exports whose download links are handed out.
import { sql } from 'drizzle-orm';
import { bigint, date, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './auth.ts';
import { orgIdColumn, tstz } from './columns.ts';

export const USAGE_EVENT_TYPES = ['invocation', 'api_call', 'package_upload', 'deployment'] as const;
export type UsageEventType = (typeof USAGE_EVENT_TYPES)[number];

/** usage_daily.app_id of events that belong to no app (API calls). */
export const NO_APP_ID = '00000000-0000-0000-0000-000000000000';

export const usageEvents = pgTable(
  'usage_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: orgIdColumn(),
    /** No foreign key on purpose: usage history outlives a deleted app (its name is kept below). */
    appId: uuid('app_id'),
    appName: text('app_name'),
    type: text('type', { enum: USAGE_EVENT_TYPES }).notNull(),
    quantity: integer('quantity').notNull().default(1),
    /** Credits this event consumed (never negative). */
    credits: integer('credits').notNull().default(0),
    description: text('description').notNull(),
    /** Reporter's idempotency key (POST /api/usage/events); unique per organization. */
    eventId: text('event_id'),
    metadata: jsonb('metadata').$type<Record<string, unknown>>(),
    occurredAt: tstz('occurred_at').notNull(),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('usage_events_org_event_uq').on(t.orgId, t.eventId),
    index('usage_events_org_time_idx').on(t.orgId, t.occurredAt, t.id),
    // The activity feed leaves API calls out; this keeps "latest N" an index scan however many calls there are.
    index('usage_events_activity_idx').on(t.orgId, t.occurredAt, t.id).where(sql`type <> 'api_call'`),
  ],
);

/** One row per organization, app (NO_APP_ID for none), UTC day and event type. */
export const usageDaily = pgTable(
  'usage_daily',
  {
    orgId: orgIdColumn(),
    day: date('day', { mode: 'string' }).notNull(),
    appId: uuid('app_id').notNull(),
    type: text('type', { enum: USAGE_EVENT_TYPES }).notNull(),
    /** Sum of quantities (invocations, calls, uploads, deployments). */
    count: bigint('count', { mode: 'number' }).notNull().default(0),
    credits: bigint('credits', { mode: 'number' }).notNull().default(0),
  },
  (t) => [primaryKey({ name: 'usage_daily_pk', columns: [t.orgId, t.day, t.appId, t.type] })],
);

export const USAGE_EXPORT_FORMATS = ['csv', 'json'] as const;
export type UsageExportFormat = (typeof USAGE_EXPORT_FORMATS)[number];

/** A rendered export in storage; expired ones are deleted by purgeExpiredUsageExports. */
export const usageExports = pgTable(
  'usage_exports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: orgIdColumn(),
    requestedBy: uuid('requested_by').references(() => users.id, { onDelete: 'set null' }),
    format: text('format', { enum: USAGE_EXPORT_FORMATS }).notNull(),
    startDate: date('start_date', { mode: 'string' }).notNull(),
    endDate: date('end_date', { mode: 'string' }).notNull(),
    storageKey: text('storage_key').notNull(),
    rowCount: integer('row_count').notNull(),
    sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
    expiresAt: tstz('expires_at').notNull(),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [index('usage_exports_expires_idx').on(t.expiresAt), index('usage_exports_org_idx').on(t.orgId, t.createdAt)],
);
