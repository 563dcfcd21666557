// Request metrics middleware and GET /metrics (Prometheus text format), protected by METRICS_TOKEN
// when it is set (Authorization: Bearer <token>).
import type { NextFunction, Request, Response } from 'express';
import { Router } from 'express';
import type { AppMetrics } from '../metrics.ts';
import { constantTimeEqual } from '../domain/tokens.ts';

/** The route pattern of a request (e.g. /api/agent-apps/:id), never raw ids or tokens. */
export function routeLabel(req: Request): string {
  if (req.route?.path) return `${req.baseUrl}${String(req.route.path)}`;
  if (req.originalUrl.startsWith('/api/trpc/')) return `/api/trpc/${req.originalUrl.slice('/api/trpc/'.length).split(/[?,]/)[0]}`;
  return req.originalUrl.startsWith('/api/') ? 'unmatched /api' : 'static';
}

export function requestMetrics(metrics: AppMetrics) {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      metrics.observeRequest(req.method, routeLabel(req), res.statusCode, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  };
}

export function metricsRoute(metrics: AppMetrics, token: string | undefined): Router {
  const r = Router();
  r.get('/metrics', async (req, res) => {
    if (token) {
      const given = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1] ?? '';
      if (!constantTimeEqual(given, token)) {
        res.status(401).json({ error: 'A valid METRICS_TOKEN is required', code: 'UNAUTHORIZED' });
        return;
      }
    }
    res.setHeader('Content-Type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });
  return r;
}
