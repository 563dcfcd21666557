// The deployment queue (rows claimed with FOR UPDATE SKIP LOCKED under a lease), the per-step state,
// and the event log (serial seq) that the live view, the REST API and a reload all read.
import { bigserial, boolean, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { users } from './auth.ts';
import { agentApps, packages } from './apps.ts';
import { orgIdColumn, tstz } from './columns.ts';

export const DEPLOYMENT_STATUSES = ['queued', 'processing', 'completed', 'failed', 'cancelled'] as const;
export type DeploymentStatus = (typeof DEPLOYMENT_STATUSES)[number];
export const DEPLOYMENT_STEPS = ['validate_package', 'upload_to_s3', 'generate_metadata', 'notify_runtime', 'finalize'] as const;
export type DeploymentStepName = (typeof DEPLOYMENT_STEPS)[number];
export const STEP_STATUSES = ['pending', 'processing', 'completed', 'failed'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

export type StepState = { name: DeploymentStepName; status: StepStatus; startedAt: string | null; completedAt: string | null };

export const deployments = pgTable(
  'deployments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: orgIdColumn(),
    appId: uuid('app_id')
      .notNull()
      .references(() => agentApps.id, { onDelete: 'cascade' }),
    packageId: uuid('package_id').references(() => packages.id, { onDelete: 'set null' }),
    version: text('version').notNull(),
    kind: text('kind', { enum: ['deploy', 'rollback', 'redeploy'] }).notNull().default('deploy'),
    status: text('status', { enum: DEPLOYMENT_STATUSES }).notNull().default('queued'),
    currentStep: text('current_step', { enum: DEPLOYMENT_STEPS }),
    steps: jsonb('steps').$type<StepState[]>().notNull(),
    creditsReserved: integer('credits_reserved').notNull().default(0),
    /** The ledger row of the reservation: it becomes a `usage` row when the deployment completes. */
    reservationTransactionId: uuid('reservation_transaction_id'),
    /** Deploy-time environment overrides, AES-256-GCM encrypted (never returned in plain text). */
    envEncrypted: text('env_encrypted'),
    error: text('error'),
    attempts: integer('attempts').notNull().default(0),
    leaseOwner: text('lease_owner'),
    leaseExpiresAt: tstz('lease_expires_at'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdByApiKeyId: uuid('created_by_api_key_id'),
    queuedAt: tstz('queued_at').notNull().defaultNow(),
    startedAt: tstz('started_at'),
    completedAt: tstz('completed_at'),
    createdAt: tstz('created_at').notNull().defaultNow(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('deployments_org_idx').on(t.orgId, t.createdAt),
    index('deployments_app_idx').on(t.appId, t.createdAt),
    index('deployments_queue_idx').on(t.queuedAt).where(sql`status = 'queued'`),
    index('deployments_lease_idx').on(t.leaseExpiresAt).where(sql`status = 'processing'`),
  ],
);

export const deploymentEvents = pgTable(
  'deployment_events',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    deploymentId: uuid('deployment_id')
      .notNull()
      .references(() => deployments.id, { onDelete: 'cascade' }),
    type: text('type', { enum: ['status', 'step', 'log'] }).notNull(),
    step: text('step', { enum: DEPLOYMENT_STEPS }),
    level: text('level', { enum: ['info', 'warn', 'error'] }).notNull().default('info'),
    message: text('message').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>(),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [index('deployment_events_deployment_idx').on(t.deploymentId, t.seq)],
);

export const WEBHOOK_EVENTS = ['deployment.queued', 'deployment.started', 'deployment.completed', 'deployment.failed'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export const webhooks = pgTable(
  'webhooks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: orgIdColumn(),
    appId: uuid('app_id')
      .notNull()
      .references(() => agentApps.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    events: jsonb('events').$type<WebhookEvent[]>().notNull(),
    /** Signing secret, AES-256-GCM encrypted (it must be recoverable to sign payloads). */
    secretEncrypted: text('secret_encrypted').notNull(),
    active: boolean('active').notNull().default(true),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [index('webhooks_app_idx').on(t.appId)],
);

export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: orgIdColumn(),
    webhookId: uuid('webhook_id')
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    event: text('event').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    status: text('status', { enum: ['pending', 'succeeded', 'failed'] }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: tstz('next_attempt_at').notNull().defaultNow(),
    leaseExpiresAt: tstz('lease_expires_at'),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    createdAt: tstz('created_at').notNull().defaultNow(),
    completedAt: tstz('completed_at'),
  },
  (t) => [
    index('webhook_deliveries_webhook_idx').on(t.webhookId, t.createdAt),
    index('webhook_deliveries_due_idx').on(t.nextAttemptAt).where(sql`status = 'pending'`),
  ],
);

export const webhookDeliveryAttempts = pgTable(
  'webhook_delivery_attempts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    deliveryId: uuid('delivery_id')
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
    attempt: integer('attempt').notNull(),
    statusCode: integer('status_code'),
    durationMs: integer('duration_ms').notNull(),
    error: text('error'),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('webhook_delivery_attempts_uq').on(t.deliveryId, t.attempt)],
);
