import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { Router } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listMountedRoutes } from '../test/route-inventory.ts';
import { chain, dispatchByPrefix } from './api-dispatch.ts';

/** Which routers the last request entered. */
const entered: string[] = [];

/** `router`, noting each request it is entered with. */
function tracked(name: string, router: Router): Router {
  const enter = (req: express.Request, res: express.Response, next: express.NextFunction) => {
    entered.push(name);
    router(req, res, next);
  };
  return Object.assign(enter, { stack: router.stack }) as unknown as Router;
}

function appsRouter(): Router {
  const r = Router();
  r.get('/agent-apps', (req, res) => res.json({ label: `${req.baseUrl}${String(req.route?.path)}` }));
  r.get('/agent-apps/:id', (req, res) => res.json({ label: `${req.baseUrl}${String(req.route?.path)}`, id: req.params.id }));
  return r;
}

function queueRouter(): Router {
  const r = Router();
  r.get('/deployments/queue/stats', (_req, res) => res.json({ route: 'stats' }));
  r.get('/deployments/:id', (req, res) => res.json({ route: 'deployment', id: req.params.id }));
  r.post('/agent-apps/:id/rollback', (_req, res) => res.json({ route: 'rollback' }));
  return r;
}

let server: http.Server;
let base: string;
let app: express.Express;

beforeAll(async () => {
  app = express();
  const api = chain([
    (req, _res, next) => (req.get('x-fail') === 'sync' ? next(new Error('refused')) : next()),
    async (req, _res, next) => {
      if (req.get('x-fail') === 'async') throw new Error('rejected');
      next();
    },
    dispatchByPrefix([
      [['/agent-apps'], tracked('apps', appsRouter())],
      [['/deployments', '/agent-apps'], tracked('deployments', queueRouter())],
    ]),
    (req, res) => res.status(404).json({ route: 'none', path: req.path }),
  ]);
  app.use('/api', api, (err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(500).json({ error: err.message });
  });
  server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

async function get(path: string, method = 'GET', headers: Record<string, string> = {}) {
  entered.length = 0;
  const res = await fetch(base + path, { method, headers });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, entered: [...entered] };
}

describe('chain and dispatchByPrefix', () => {
  it('runs a router only for its prefixes, and keeps baseUrl and route paths (metrics labels)', async () => {
    expect(await get('/api/agent-apps')).toEqual({ status: 200, body: { label: '/api/agent-apps' }, entered: ['apps'] });
    expect(await get('/api/agent-apps/a1?x=1')).toEqual({ status: 200, body: { label: '/api/agent-apps/:id', id: 'a1' }, entered: ['apps'] });
    expect(await get('/api/deployments/d1')).toEqual({ status: 200, body: { route: 'deployment', id: 'd1' }, entered: ['deployments'] });
    expect(await get('/api/agent-apps/a1/rollback', 'POST')).toEqual({ status: 200, body: { route: 'rollback' }, entered: ['apps', 'deployments'] });
    expect(await get('/api/credits/balance')).toEqual({ status: 404, body: { route: 'none', path: '/credits/balance' }, entered: [] });
  });

  it('matches like Express: case-insensitive, trailing slash, whole segments only', async () => {
    expect((await get('/api/AGENT-APPS/a1')).body).toEqual({ label: '/api/agent-apps/:id', id: 'a1' });
    expect((await get('/api/agent-apps/')).body).toEqual({ label: '/api/agent-apps' });
    expect(await get('/api/agent-appsx')).toEqual({ status: 404, body: { route: 'none', path: '/agent-appsx' }, entered: [] });
  });

  it('keeps the order of routes of one router (queue stats before :id)', async () => {
    expect((await get('/api/deployments/queue/stats')).body).toEqual({ route: 'stats' });
  });

  it('chain: an error, thrown or passed to next or a rejected promise, skips the rest and reaches the error handler', async () => {
    expect(await get('/api/agent-apps', 'GET', { 'x-fail': 'sync' })).toEqual({ status: 500, body: { error: 'refused' }, entered: [] });
    expect(await get('/api/agent-apps', 'GET', { 'x-fail': 'async' })).toEqual({ status: 500, body: { error: 'rejected' }, entered: [] });
  });

  it('leaves the routes visible to the route inventory', () => {
    expect(listMountedRoutes(app).map((r) => r.key)).toEqual([
      'GET /api/agent-apps',
      'GET /api/agent-apps/:id',
      'GET /api/deployments/queue/stats',
      'GET /api/deployments/:id',
      'POST /api/agent-apps/:id/rollback',
    ]);
  });

  it('refuses a router with a route or a middleware outside its prefixes', () => {
    expect(() => dispatchByPrefix([[['/agent-apps'], queueRouter()]])).toThrow(/\/deployments\/queue\/stats is outside \/agent-apps/);
    const withMiddleware = Router();
    withMiddleware.use((_req, _res, next) => next());
    expect(() => dispatchByPrefix([[['/agent-apps'], withMiddleware]])).toThrow(/middleware of every path/);
    expect(() => dispatchByPrefix([[['agent-apps'], appsRouter()]])).toThrow(/one path segment/);
  });
});
