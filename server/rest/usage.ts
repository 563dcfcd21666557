// Section 7 of the REST doc: usage & metrics (metrics, chart, activity, export), plus
// POST /api/usage/events where the runtime (RUNTIME_TOKEN) or an API key reports invocations.
import type { Request } from 'express';
import { Router } from 'express';
import type { Config } from '../config.ts';
import { requireOrgActor, type Services } from '../domain/context.ts';
import { constantTimeEqual } from '../domain/tokens.ts';
import { createUsageExport } from '../domain/usage/create-usage-export.ts';
import { getUsageChart } from '../domain/usage/get-usage-chart.ts';
import { getUsageMetrics } from '../domain/usage/get-usage-metrics.ts';
import { listUsageActivity } from '../domain/usage/list-usage-activity.ts';
import { reportInvocation } from '../domain/usage/report-invocation.ts';
import { usageActivityQuery, usageChartQuery, usageEventInput, usageExportInput } from '../domain/usage/usage-schemas.ts';
import { domainCtx } from '../http/request-context.ts';
import { iso, parseInput } from './parse.ts';

/** True when the request carries `Authorization: Bearer <RUNTIME_TOKEN>` (and RUNTIME_TOKEN is set). */
export function isRuntimeRequest(req: Request, config: Pick<Config, 'runtime'>): boolean {
  const token = config.runtime.token;
  if (!token) return false;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
  return m !== null && constantTimeEqual(m[1], token);
}

export function usageRoutes(services: Services): Router {
  const r = Router();

  r.get('/usage/metrics', async (req, res) => {
    res.json(await getUsageMetrics(domainCtx(services, req)));
  });

  r.get('/usage/chart', async (req, res) => {
    const ctx = domainCtx(services, req);
    requireOrgActor(ctx);
    const points = await getUsageChart(ctx, parseInput(usageChartQuery, req.query));
    res.json({ data: points.map((p) => ({ date: p.date, invocations: p.invocations, credits: p.credits })) });
  });

  r.get('/usage/activity', async (req, res) => {
    const ctx = domainCtx(services, req);
    requireOrgActor(ctx);
    const events = await listUsageActivity(ctx, parseInput(usageActivityQuery, req.query));
    res.json({
      events: events.map((e) => ({
        id: e.id,
        type: e.type,
        description: e.description,
        ...(e.value !== undefined ? { value: e.value } : {}),
        timestamp: iso(e.timestamp),
      })),
    });
  });

  r.post('/usage/export', async (req, res) => {
    const ctx = domainCtx(services, req);
    requireOrgActor(ctx);
    const result = await createUsageExport(ctx, parseInput(usageExportInput, req.body));
    res.json({ downloadUrl: result.downloadUrl, expiresAt: iso(result.expiresAt) });
  });

  r.post('/usage/events', async (req, res) => {
    const ctx = domainCtx(services, req);
    const runtime = isRuntimeRequest(req, services.config);
    if (!runtime) requireOrgActor(ctx);
    const input = parseInput(usageEventInput, req.body);
    const { event, duplicate, balance } = await reportInvocation(ctx, input, { runtime });
    res.status(duplicate ? 200 : 201).json({
      event: {
        id: event.id,
        event_id: event.eventId,
        agent_app_id: event.appId,
        type: event.type,
        count: event.quantity,
        credits: event.credits,
        occurred_at: iso(event.occurredAt),
      },
      duplicate,
      balance,
    });
  });

  return r;
}
