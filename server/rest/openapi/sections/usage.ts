// Section 7 of rest-api.md: usage & metrics, plus POST /api/usage/events (server/rest/usage.ts).
import { z } from 'zod';
import { usageActivityQuery, usageChartQuery, usageEventInput, usageExportInput } from '../../../domain/usage/usage-schemas.ts';
import { count, id, timestamp } from '../common-schemas.ts';
import type { RouteDoc } from '../route-doc.ts';

const tags = ['Usage'];

const usageEventBody = z.strictObject({
  event: z.strictObject({
    id,
    event_id: z.string().nullable(),
    agent_app_id: id,
    type: z.literal('invocation'),
    count: count,
    credits: count,
    occurred_at: timestamp,
  }),
  duplicate: z.boolean(),
  balance: z.number().int().describe('The organization’s balance after the debit.'),
});

export const usageRouteDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/usage/metrics',
    operationId: 'getUsageMetrics',
    summary: 'Usage of the last 30 UTC days against the 30 before',
    description: 'change = (current − previous) / previous × 100 with one decimal; 0 when both are 0, 100 when only the previous is 0.',
    tags,
    auth: 'apiKeyOrSession',
    role: 'member',
    responses: {
      200: {
        description: 'The figures.',
        schema: z.strictObject({
          invocations: count,
          invocationsChange: z.number(),
          packagesUploaded: count,
          packagesChange: z.number(),
          apiCalls: count,
          apiCallsChange: z.number(),
          creditsUsed: count,
          creditsChange: z.number(),
        }),
      },
    },
  },
  {
    method: 'get',
    path: '/api/usage/chart',
    operationId: 'getUsageChart',
    summary: 'One point per UTC day, oldest first (empty days included)',
    tags,
    auth: 'apiKeyOrSession',
    role: 'member',
    request: { query: usageChartQuery },
    responses: {
      200: {
        description: 'The points.',
        schema: z.strictObject({ data: z.array(z.strictObject({ date: z.string().describe('`Jan 01`'), invocations: count, credits: count })) }),
      },
    },
   
  },
  {
    method: 'get',
    path: '/api/usage/activity',
    operationId: 'getUsageActivity',
    summary: 'Recent invocations, package uploads, deployments and purchases, newest first',
    tags,
    auth: 'apiKeyOrSession',
    role: 'member',
    request: { query: usageActivityQuery },
    responses: {
      200: {
        description: 'The events.',
        schema: z.strictObject({
          events: z.array(
            z.strictObject({
              id: z.string(),
              type: z.enum(['invocation', 'package_upload', 'deployment', 'credit_purchase']),
              description: z.string(),
              value: z.number().int().optional().describe('Credits consumed or bought (absent for uploads).'),
              timestamp,
            }),
          ),
        }),
      },
    },
   
  },
  {
    method: 'post',
    path: '/api/usage/export',
    operationId: 'exportUsage',
    summary: 'Export usage events as CSV or JSON',
    description: 'The file is written to storage and offered through a presigned (S3) or signed local link valid EXPORT_URL_TTL_SECONDS.',
    tags,
    auth: 'apiKeyOrSession',
    role: 'member',
    request: { body: usageExportInput },
    responses: {
      200: { description: 'Where to download the file.', schema: z.strictObject({ downloadUrl: z.string(), expiresAt: timestamp }) },
    },
   
  },
  {
    method: 'post',
    path: '/api/usage/events',
    operationId: 'reportUsageEvent',
    summary: 'Report an agent invocation (the runtime, or an API key)',
    description: 'Idempotent on `event_id`: a known one answers 200 with `duplicate: true` and charges nothing again.',
    tags,
    auth: ['runtimeToken', 'apiKeyOrSession'],
    role: 'member',
    request: { body: usageEventInput },
    responses: {
      201: { description: 'Recorded and charged.', schema: usageEventBody },
      200: { description: 'A duplicate of a known `event_id`.', schema: usageEventBody },
    },
    errors: { 402: 'Insufficient credits.', 404: 'No such app in the organization.' },
  },
];
