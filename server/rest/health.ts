import { Router } from 'express';
import type { DatabaseHandle } from '../../db/client.ts';
import type { Services } from '../domain/context.ts';
import { checkHealth } from '../domain/health/check-health.ts';

export function healthRoutes(services: Services, database: Pick<DatabaseHandle, 'ping'>): Router {
  const r = Router();
  r.get('/health', async (_req, res) => {
    const report = await checkHealth(services, database);
    res.status(report.status === 'unhealthy' ? 503 : 200).json(report);
  });
  return r;
}
