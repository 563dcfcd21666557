// The sweeps cover every mounted route: the router stack of a real app is walked and each route must
// be classified in route-table.ts (and each classified route must still be mounted). Then every
// entry's request is sent by its owner (or by nobody for open routes) and must answer `ok`, so the
// requests the other sweeps send are known to be valid ones.
import path from 'node:path';
import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appUsageRecorder, createApp } from '../../app.ts';
import type { TestApp } from '../harness.ts';
import { listMountedRoutes, pathParams, type MountedRoute } from '../route-inventory.ts';
import { MEMBER_FORBIDDEN, ROUTES, idsOf, ownerRequest, splitKey } from './route-table.ts';
import { makeWorld, send, startSecurityApp, type World } from './world.ts';

let t: TestApp;
let w: World;
let app: Express;
let mounted: MountedRoute[];

beforeAll(async () => {
  t = await startSecurityApp();
  w = await makeWorld(t);
  // A second app over the same services, built the way the harness builds its own.
  app = createApp({ services: t.services, database: t.database, spaDir: path.join(t.config.dataDir, 'no-spa') });
  mounted = listMountedRoutes(app);
});
afterAll(async () => {
  await appUsageRecorder(app).stop();
  await t.close();
});

describe('route inventory', () => {
  it('walks the router stack (sanity: documented routes are found with their patterns)', () => {
    const keys = mounted.map((r) => r.key);
    expect(keys).toEqual(expect.arrayContaining(['GET /api/health', 'GET /api/agent-apps/:id', 'DELETE /api/agent-apps/:id/packages/:packageId', 'POST /api/stripe/webhook']));
    expect(mounted.length).toBeGreaterThan(50);
    expect(new Set(keys).size).toBe(keys.length); // no route mounted twice
  });

  it('every mounted route is classified in the sweep table', () => {
    const missing = mounted.filter((r) => !(r.key in ROUTES)).map((r) => r.key);
    expect(missing, 'classify these routes in server/test/security/route-table.ts').toEqual([]);
  });

  it('every classified route is still mounted', () => {
    const keys = new Set(mounted.map((r) => r.key));
    expect(Object.keys(ROUTES).filter((k) => !keys.has(k))).toEqual([]);
  });

  it('ids are declared where the route takes them', () => {
    for (const [key, spec] of Object.entries(ROUTES)) {
      const params = pathParams(splitKey(key).path);
      const ids = idsOf(key, spec);
      for (const where of ids) {
        const [part, name] = where.split('.');
        expect(['params', 'json', 'query'], `${key}: ${where}`).toContain(part);
        if (part === 'params') expect(params, `${key}: ${where}`).toContain(name);
      }
      // A path param that is not an id of the organization must be said so explicitly.
      if (params.length > 0 && spec.ids === undefined) expect(ids.length, key).toBe(params.length);
    }
  });

  it('the routes the issue names (members, keys of others, billing, settings) need the admin role', () => {
    for (const key of MEMBER_FORBIDDEN) expect(ROUTES[key]?.access, key).toMatchObject({ kind: 'org', role: 'admin' });
  });
});

describe("each entry's request is valid", () => {
  for (const key of Object.keys(ROUTES)) {
    it(`${key} → ${ROUTES[key].ok}`, async () => {
      const spec = ROUTES[key];
      const { method, path: pattern } = splitKey(key);
      const { built, creds } = await ownerRequest(w, w.a, spec);
      const res = await send(t, method, pattern, built, creds);
      expect(res.status, res.text.slice(0, 300)).toBe(spec.ok);
    });
  }
});
