// Sections 9 and 11 of the REST doc: deployments, queue stats, cron processing; plus cancel,
// rollback/redeploy and the event stream.
import { Router } from 'express';
import type { deployments, deploymentEvents } from '../../db/schema/index.ts';
import type { Services } from '../domain/context.ts';
import { cancelDeployment } from '../domain/deployments/cancel-deployment.ts';
import { publicDeploymentStatus } from '../domain/deployments/deployment-webhooks.ts';
import { followDeployment, type DeploymentUpdate } from '../domain/deployments/follow-deployment.ts';
import { getDeployment, listDeploymentEvents, listDeployments } from '../domain/deployments/get-deployment.ts';
import { getQueueStats } from '../domain/deployments/queue-stats.ts';
import { redeployPackage } from '../domain/deployments/redeploy-package.ts';
import { AppError } from '../domain/errors.ts';
import { constantTimeEqual } from '../domain/tokens.ts';
import { coalescedRead, sharedJson } from '../http/coalesced-read.ts';
import { domainCtx } from '../http/request-context.ts';
import { newWorkerId, processOneDeployment } from '../workers/deployment-worker.ts';
import { deploymentLogsQuery, listDeploymentsQuery, rollbackBody } from './deployment-schemas.ts';
import { iso, parseInput } from './parse.ts';

type DeploymentRow = typeof deployments.$inferSelect;
type EventRow = typeof deploymentEvents.$inferSelect;

export function deploymentJson(d: DeploymentRow) {
  const duration = d.startedAt && d.completedAt ? Math.round((d.completedAt.getTime() - d.startedAt.getTime()) / 1000) : null;
  return {
    id: d.id,
    status: publicDeploymentStatus(d.status),
    cancelled: d.status === 'cancelled',
    package_id: d.packageId,
    agent_app_id: d.appId,
    version: d.version,
    kind: d.kind,
    created_at: iso(d.createdAt),
    queued_at: iso(d.queuedAt),
    started_at: iso(d.startedAt),
    completed_at: iso(d.completedAt),
    duration_seconds: duration,
    credits_reserved: d.creditsReserved,
    error: d.error,
    progress: {
      current_step: d.currentStep,
      steps: d.steps.map((s) => ({
        name: s.name,
        status: s.status,
        ...(s.startedAt ? { started_at: s.startedAt } : {}),
        ...(s.completedAt ? { completed_at: s.completedAt } : {}),
      })),
    },
  };
}

export function eventJson(e: EventRow) {
  return { seq: e.seq, type: e.type, step: e.step, level: e.level, message: e.message, data: e.data, created_at: iso(e.createdAt) };
}

export function deploymentRoutes(services: Services): Router {
  const r = Router();
  // `pixell deploy` polls its deployment: concurrent polls of one deployment share one read.
  const readDeployment = coalescedRead(getDeployment);
  const sendDeployment = sharedJson((d: DeploymentRow) => ({ deployment: deploymentJson(d) }));

  // Queue stats are public as documented (no tenant data: counts only).
  r.get('/deployments/queue/stats', async (_req, res) => {
    res.json(await getQueueStats(services));
  });

  r.get('/deployments', async (req, res) => {
    const q = parseInput(listDeploymentsQuery, req.query);
    const rows = await listDeployments(domainCtx(services, req), { appId: q.app_id, status: q.status, limit: q.limit, before: q.before ? new Date(q.before) : undefined });
    res.json({ deployments: rows.map(deploymentJson), next_before: rows.length === q.limit ? iso(rows[rows.length - 1].createdAt) : null });
  });

  r.get('/deployments/:id', async (req, res) => {
    sendDeployment(res, await readDeployment(domainCtx(services, req), req.params.id));
  });

  r.get('/deployments/:id/logs', async (req, res) => {
    const after = parseInput(deploymentLogsQuery, req.query).after;
    const { events } = await listDeploymentEvents(domainCtx(services, req), req.params.id, after);
    res.json({ events: events.map(eventJson) });
  });

  r.post('/deployments/:id/cancel', async (req, res) => {
    const d = await cancelDeployment(domainCtx(services, req), req.params.id);
    res.json({ deployment: deploymentJson(d), message: 'Deployment cancelled; reserved credits refunded' });
  });

  r.post('/agent-apps/:id/rollback', async (req, res) => {
    const body = parseInput(rollbackBody, req.body);
    const { deployment } = await redeployPackage(domainCtx(services, req), req.params.id, { packageId: body.package_id, version: body.version }, 'rollback');
    res.status(202).json({ deployment: deploymentJson(deployment), tracking: { status_url: `${services.config.publicUrl}/api/deployments/${deployment.id}` } });
  });

  r.post('/deployments/:id/redeploy', async (req, res) => {
    const ctx = domainCtx(services, req);
    const previous = await getDeployment(ctx, req.params.id);
    if (!previous.packageId) throw new AppError('CONFLICT', 'The package of this deployment was deleted');
    const { deployment } = await redeployPackage(ctx, previous.appId, { packageId: previous.packageId }, 'redeploy');
    res.status(202).json({ deployment: deploymentJson(deployment), tracking: { status_url: `${services.config.publicUrl}/api/deployments/${deployment.id}` } });
  });

  r.post('/cron/process-deployments', async (req, res) => {
    const secret = services.config.cronSecret;
    const given = req.get('x-cron-secret') ?? '';
    if (!secret || !constantTimeEqual(given, secret)) throw new AppError('UNAUTHORIZED', 'Invalid or missing cron secret');
    const started = Date.now();
    const outcome = await processOneDeployment(services, newWorkerId());
    if (!outcome) {
      res.json({ processed: false, message: 'No jobs to process' });
      return;
    }
    res.json({
      processed: true,
      jobId: outcome.deploymentId,
      status: outcome.status === 'lost' ? 'processing' : outcome.status,
      duration: Math.round((Date.now() - started) / 1000),
    });
  });

  return r;
}

/** GET /api/deployments/:id/events — Server-Sent Events: backlog after Last-Event-ID (or ?after=), then live. */
export function deploymentEventStreamRoute(services: Services): Router {
  const r = Router();
  r.get('/deployments/:id/events', async (req, res) => {
    const ctx = domainCtx(services, req);
    const lastId = Number(req.get('last-event-id') ?? req.query.after ?? 0);
    const after = Number.isFinite(lastId) && lastId > 0 ? Math.floor(lastId) : 0;
    const abort = new AbortController();
    req.on('close', () => abort.abort());
    const stream = followDeployment(ctx, services.feed.subscribe, req.params.id, after, abort.signal);
    // The first step runs the tenancy check before any header is sent, so errors keep their JSON shape.
    const first = await stream.next();
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    const send = (u: DeploymentUpdate) =>
      res.write(`id: ${u.event.seq}\nevent: ${u.event.type}\ndata: ${JSON.stringify({ ...eventJson(u.event), deployment: deploymentJson(u.deployment) })}\n\n`);
    try {
      if (!first.done) send(first.value);
      for await (const update of stream) send(update);
      if (!abort.signal.aborted) res.write('event: end\ndata: {}\n\n');
    } finally {
      clearInterval(heartbeat);
      res.end();
    }
  });
  return r;
}
