// Sections 9 and 11 of rest-api.md: deployments, queue stats, cron processing, cancel, rollback,
// redeploy, logs and the event stream (server/rest/deployments.ts).
import { z } from 'zod';
import { DEPLOYMENT_STEPS, STEP_STATUSES } from '../../../../db/schema/index.ts';
import { count, id, nullableTimestamp, timestamp } from '../common-schemas.ts';
import type { RouteDoc } from '../route-doc.ts';
import { deploymentLogsQuery as logsQuery, listDeploymentsQuery, rollbackBody } from '../../deployment-schemas.ts';

const tags = ['Deployments'];

export const deploymentSchema = z
  .strictObject({
    id,
    status: z.enum(['queued', 'processing', 'completed', 'failed']).describe('A cancelled deployment reads `failed` with `cancelled: true`.'),
    cancelled: z.boolean(),
    package_id: id.nullable().describe('Null once the package was deleted.'),
    agent_app_id: id,
    version: z.string(),
    kind: z.enum(['deploy', 'rollback', 'redeploy']),
    created_at: timestamp,
    queued_at: timestamp,
    started_at: nullableTimestamp,
    completed_at: nullableTimestamp,
    duration_seconds: count.nullable(),
    credits_reserved: count,
    error: z.string().nullable().describe('Why the deployment failed.'),
    progress: z.strictObject({
      current_step: z.enum(DEPLOYMENT_STEPS).nullable(),
      steps: z.array(
        z.strictObject({
          name: z.enum(DEPLOYMENT_STEPS),
          status: z.enum(STEP_STATUSES),
          started_at: timestamp.optional(),
          completed_at: timestamp.optional(),
        }),
      ),
    }),
  })
  .meta({ id: 'Deployment' });

export const deploymentEventSchema = z
  .strictObject({
    seq: z.number().int().min(1),
    type: z.enum(['status', 'step', 'log']),
    step: z.enum(DEPLOYMENT_STEPS).nullable(),
    level: z.enum(['info', 'warn', 'error']),
    message: z.string(),
    data: z.record(z.string(), z.unknown()).nullable(),
    created_at: timestamp,
  })
  .meta({ id: 'DeploymentEvent' });

const queuedAgain = z.strictObject({ deployment: deploymentSchema, tracking: z.strictObject({ status_url: z.string() }) });

export const deploymentRouteDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/deployments/queue/stats',
    operationId: 'getQueueStats',
    summary: 'Deployment queue statistics (counts only)',
    description:
      '`health` is `critical` when a job is processing past its lease, `warning` above QUEUE_WARNING_DEPTH queued jobs or QUEUE_WARNING_FAILURE_RATE failures in the last hour.',
    tags,
    auth: 'public',
    responses: {
      200: {
        description: 'Queue-wide figures.',
        schema: z.strictObject({
          stats: z.strictObject({ queued: count, processing: count, completed: count, failed: count, total: count }),
          health: z.strictObject({ status: z.enum(['healthy', 'warning', 'critical']), message: z.string() }),
          metrics: z.strictObject({ avgProcessingTimeSeconds: count, lastUpdated: timestamp }),
        }),
      },
    },
  },
  {
    method: 'get',
    path: '/api/deployments',
    operationId: 'listDeployments',
    summary: 'Deployments of the organization, newest first',
    tags,
    auth: 'apiKeyOrSession',
    role: 'member',
    request: { query: listDeploymentsQuery },
    responses: {
      200: {
        description: 'One page; pass `next_before` as `before` for the next one (null on the last page).',
        schema: z.strictObject({ deployments: z.array(deploymentSchema), next_before: nullableTimestamp }),
      },
    },
   
  },
  {
    method: 'get',
    path: '/api/deployments/:id',
    operationId: 'getDeployment',
    summary: 'Deployment status and progress',
    tags,
    auth: 'apiKeyOrSession',
    role: 'member',
    responses: { 200: { description: 'The deployment.', schema: z.strictObject({ deployment: deploymentSchema }) } },
    errors: { 404: 'No such deployment in the organization.' },
  },
  {
    method: 'get',
    path: '/api/deployments/:id/logs',
    operationId: 'getDeploymentLogs',
    summary: 'Event log of a deployment',
    tags,
    auth: 'apiKeyOrSession',
    role: 'member',
    request: { query: logsQuery },
    responses: { 200: { description: 'Events in `seq` order.', schema: z.strictObject({ events: z.array(deploymentEventSchema) }) } },
    errors: { 404: 'No such deployment in the organization.' },
  },
  {
    method: 'get',
    path: '/api/deployments/:id/events',
    operationId: 'streamDeploymentEvents',
    summary: 'Live event stream of a deployment (Server-Sent Events)',
    description:
      'The backlog after `Last-Event-ID` (or `?after=`), then live events: `id:` = seq, `event:` status|step|log, `data:` a DeploymentEvent plus `deployment`; then `event: end` once the deployment is final.',
    tags,
    auth: 'apiKeyOrSession',
    role: 'member',
    request: {
      query: z.object({ after: z.coerce.number().int().min(0).optional().describe('Same as Last-Event-ID.') }),
      headers: { 'Last-Event-ID': { description: 'Resume after this event seq.' } },
    },
    responses: { 200: { description: 'The event stream.', contentType: 'text/event-stream', format: 'text' } },
    errors: { 404: 'No such deployment in the organization.' },
  },
  {
    method: 'post',
    path: '/api/deployments/:id/cancel',
    operationId: 'cancelDeployment',
    summary: 'Cancel a queued or processing deployment (the reservation is refunded)',
    tags,
    auth: 'apiKeyOrSession',
    role: 'member',
    responses: {
      200: { description: 'Cancelled.', schema: z.strictObject({ deployment: deploymentSchema, message: z.string() }) },
    },
    errors: { 404: 'No such deployment in the organization.', 409: 'The deployment already finished.' },
  },
  {
    method: 'post',
    path: '/api/agent-apps/:id/rollback',
    operationId: 'rollbackAgentApp',
    summary: 'Deploy an earlier package again, with the environment it ran with',
    tags,
    auth: 'apiKeyOrSession',
    role: 'member',
    request: { body: rollbackBody },
    responses: { 202: { description: 'A new deployment of that package is queued.', schema: queuedAgain } },
    errors: { 402: 'Insufficient credits.', 404: 'No such app or package.', 409: 'A deployment of the app is in progress.' },
  },
  {
    method: 'post',
    path: '/api/deployments/:id/redeploy',
    operationId: 'redeploy',
    summary: 'Deploy the same package again with the app’s current secrets',
    tags,
    auth: 'apiKeyOrSession',
    role: 'member',
    responses: { 202: { description: 'A new deployment is queued.', schema: queuedAgain } },
    errors: { 402: 'Insufficient credits.', 404: 'No such deployment in the organization.', 409: 'The package was deleted, or a deployment is in progress.' },
  },
  {
    method: 'post',
    path: '/api/cron/process-deployments',
    operationId: 'processDeployments',
    summary: 'Claim and run one queued deployment (for an external scheduler)',
    tags,
    auth: 'cronSecret',
    responses: {
      200: {
        description: 'What happened.',
        schema: z.union([
          z.strictObject({
            processed: z.literal(true),
            jobId: id,
            status: z.enum(['completed', 'failed', 'processing']).describe('The outcome; `processing` when the lease was lost to another worker.'),
            duration: count.describe('Seconds.'),
          }),
          z.strictObject({ processed: z.literal(false), message: z.string() }),
        ]),
      },
    },
    errors: { 401: 'Missing or wrong `x-cron-secret` (always, when CRON_SECRET is unset).' },
  },
];
