// The OpenAPI document: it names exactly the mounted REST routes, it is structurally valid OpenAPI
// 3.1 (every $ref resolves, every operation answers something), its request schemas are the routes'
// own zod schemas, and /api/docs renders it. The response validation itself (every test response
// of the suite is checked by the harness) is tested at the end.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import express, { type Express } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { appUsageRecorder, createApp } from '../../app.ts';
import { buildApkg } from '../../apkg/testing/build-apkg.ts';
import { signupInput } from '../../domain/auth/auth-schemas.ts';
import type { Services } from '../../domain/context.ts';
import { createUserFixture, startTestApp, type TestApp } from '../../test/harness.ts';
import { listMountedRoutes } from '../../test/route-inventory.ts';
import { buildOpenApiDocument, packageVersion, type JsonSchema, type OpenApiDocument } from './build-openapi.ts';
import { mountedRouteDocs, REST_ROUTES } from './registry.ts';
import { openApiPath, routeKey } from './route-doc.ts';
import { assertDocumentedResponse, findDocumentedRoute } from './validate-response.ts';

/**
 * Mounted routes that are not REST operations of the document, each with the reason:
 * only routes outside /api may appear here; /api/trpc is the SPA's tRPC adapter (middleware, not
 * routes) and is excluded by prefix.
 */
const NOT_REST: Record<string, string> = {
  'GET /metrics': 'Prometheus scrape endpoint (text exposition format, METRICS_TOKEN), outside /api',
};
const NOT_REST_PREFIXES = ['/api/trpc'];

let t: TestApp;
let app: Express;
let doc: OpenApiDocument;

beforeAll(async () => {
  t = await startTestApp();
  // A second app over the same services, built like the harness builds its own, for the router walk.
  app = createApp({ services: t.services, database: t.database, spaDir: path.join(t.config.dataDir, 'no-spa') });
  const res = await t.request('/api/openapi.json');
  expect(res.status).toBe(200);
  doc = res.body as OpenApiDocument;
});
afterAll(async () => {
  await appUsageRecorder(app).stop();
  await t.close();
});

describe('coverage: the document names exactly the mounted REST routes', () => {
  it('every mounted route is documented, and every documented route is mounted', () => {
    const mounted = listMountedRoutes(app)
      .filter((r) => !NOT_REST_PREFIXES.some((p) => r.path.startsWith(p)))
      .map((r) => r.key);
    const rest = mounted.filter((k) => !(k in NOT_REST));
    const documented = mountedRouteDocs(t.config, t.services).map(routeKey);
    expect(rest.filter((k) => !documented.includes(k)), 'mounted but not in server/rest/openapi/sections/').toEqual([]);
    expect(documented.filter((k) => !rest.includes(k)), 'documented but not mounted').toEqual([]);
    expect(new Set(documented).size).toBe(documented.length);
    // The exclusions are real routes outside /api, not a place to hide REST routes.
    for (const key of Object.keys(NOT_REST)) {
      expect(mounted, key).toContain(key);
      expect(key.split(' ')[1].startsWith('/api/')).toBe(false);
    }
  });

  it('the served document has one operation per documented route', () => {
    const ops = Object.entries(doc.paths).flatMap(([p, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${p}`));
    const expected = mountedRouteDocs(t.config, t.services).map((r) => `${r.method.toUpperCase()} ${openApiPath(r.path)}`);
    expect(ops.sort()).toEqual(expected.sort());
  });

  it('routes mounted only under a condition are left out where they are not mounted', () => {
    const production = mountedRouteDocs({ ...t.config, isProduction: true }, t.services).map(routeKey);
    expect(production).not.toContain('GET /api/dev/outbox');
    const s3 = { ...t.services, adapters: { ...t.services.adapters, storage: { ...t.services.adapters.storage, kind: 's3' } } } as Services;
    expect(mountedRouteDocs(t.config, s3).map(routeKey)).not.toContain('GET /api/storage/download');
    expect(mountedRouteDocs(t.config, t.services).map(routeKey)).toEqual(expect.arrayContaining(['GET /api/dev/outbox', 'GET /api/storage/download']));
  });
});

/** Resolves a local JSON pointer (`#/components/schemas/Error`). */
function resolvePointer(root: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (!node || typeof node !== 'object' || !(key in node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function collectRefs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => collectRefs(n, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else collectRefs(v, out);
    }
  }
  return out;
}

describe('GET /api/openapi.json is a valid OpenAPI 3.1 document', () => {
  it('has the 3.1 header, the package version and PUBLIC_URL as server', async () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info.title).toBe('Pixell Agent Cloud API');
    const pkg = JSON.parse(fs.readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(doc.info.version).toBe(pkg.version);
    expect(packageVersion()).toBe(pkg.version);
    expect(doc.servers).toEqual([{ url: t.config.publicUrl, description: expect.any(String) }]);
    const res = await t.request('/api/openapi.json');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('declares the session cookie and Bearer security schemes, and operations use only declared schemes', () => {
    const schemes = doc.components.securitySchemes;
    expect(schemes.cookieAuth).toMatchObject({ type: 'apiKey', in: 'cookie', name: 'pixell_session' });
    expect(schemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const [p, methods] of Object.entries(doc.paths)) {
      for (const [m, op] of Object.entries(methods)) {
        for (const requirement of op.security as Array<Record<string, string[]>>) {
          for (const name of Object.keys(requirement)) expect(schemes, `${m} ${p}: ${name}`).toHaveProperty(name);
        }
      }
    }
    expect(doc.paths['/api/agent-apps'].get.security).toEqual([{ cookieAuth: [] }, { bearerAuth: [] }]);
    expect(doc.paths['/api/auth/login'].post.security).toEqual([]);
    expect(doc.paths['/api/cron/process-deployments'].post.security).toEqual([{ cronSecret: [] }]);
  });

  it('every $ref resolves', () => {
    const refs = collectRefs(doc);
    expect(refs.length).toBeGreaterThan(50);
    const broken = [...new Set(refs)].filter((r) => resolvePointer(doc, r) === undefined);
    expect(broken).toEqual([]);
  });

  it('every operation has an id, a summary, a tag of the document, declared path parameters and a success response; errors use the shared Error schema', () => {
    const ids = new Set<string>();
    const tags = new Set(doc.tags.map((tag) => tag.name));
    for (const [p, methods] of Object.entries(doc.paths)) {
      expect(p).toMatch(/^\/api\//);
      for (const [m, op] of Object.entries(methods)) {
        const where = `${m.toUpperCase()} ${p}`;
        expect(['get', 'post', 'put', 'patch', 'delete'], where).toContain(m);
        expect(typeof op.operationId, where).toBe('string');
        expect(ids.has(op.operationId as string), `${where}: duplicate operationId`).toBe(false);
        ids.add(op.operationId as string);
        expect(op.summary, where).toBeTruthy();
        for (const tag of op.tags as string[]) expect(tags, where).toContain(tag);
        const declared = ((op.parameters as JsonSchema[] | undefined) ?? []).filter((x) => x.in === 'path').map((x) => x.name);
        expect(declared.sort(), where).toEqual([...p.matchAll(/\{([^}]+)\}/g)].map((x) => x[1]).sort());
        const responses = op.responses as Record<string, JsonSchema>;
        expect(Object.keys(responses).some((s) => /^2\d\d$/.test(s)), `${where}: no 2xx response`).toBe(true);
        for (const [status, r] of Object.entries(responses)) {
          expect(status, where).toMatch(/^[1-5]\d\d$/);
          const resolved = (typeof r.$ref === 'string' ? resolvePointer(doc, r.$ref) : r) as JsonSchema;
          expect(resolved.description, `${where} ${status}`).toBeTruthy();
          if (Number(status) >= 400) {
            // The shared Error schema; or, where the body carries more, a schema that includes it.
            const schema = (resolved.content as Record<string, { schema: JsonSchema }>)['application/json'].schema;
            const error = { $ref: '#/components/schemas/Error' };
            const alternatives = [error, { $ref: '#/components/schemas/InsufficientCreditsError' }];
            const ok = alternatives.some((a) => JSON.stringify(a) === JSON.stringify(schema)) || JSON.stringify(schema.anyOf ?? []).includes(error.$ref);
            expect(ok, `${where} ${status}: ${JSON.stringify(schema)}`).toBe(true);
          }
        }
      }
    }
    expect(ids.size).toBe(REST_ROUTES.length);
  });

  it('documents the error shape {error, code, details?} and the 402 body of insufficient credits', () => {
    const error = doc.components.schemas.Error as { properties: Record<string, JsonSchema>; required: string[] };
    expect(Object.keys(error.properties)).toEqual(['error', 'code', 'details']);
    expect(error.required).toEqual(['error', 'code']);
    expect(error.properties.code.enum).toEqual(expect.arrayContaining(['VALIDATION_ERROR', 'NOT_FOUND', 'RATE_LIMIT_EXCEEDED']));
    const deploy = doc.paths['/api/agent-apps/{id}/packages/deploy'].post.responses as Record<string, JsonSchema>;
    expect(JSON.stringify(deploy['402'])).toContain('#/components/schemas/InsufficientCreditsError');
  });

  it('request schemas are the routes’ own zod schemas (input side), responses the registry’s (output side)', () => {
    const signup = doc.paths['/api/auth/signup'].post.requestBody as { content: Record<string, { schema: JsonSchema }> };
    const expected = z.toJSONSchema(signupInput, { io: 'input', target: 'draft-2020-12' }) as JsonSchema;
    delete expected.$schema;
    expect(signup.content['application/json'].schema).toEqual(expected);
    const history = (doc.paths['/api/credits/history'].get.parameters as JsonSchema[]).map((x) => [x.name, x.in, x.required]);
    expect(history).toEqual([
      ['limit', 'query', false],
      ['cursor', 'query', false],
      ['type', 'query', false],
    ]);
    const upload = doc.paths['/api/agent-apps/{id}/packages'].post.requestBody as { content: Record<string, { schema: JsonSchema }> };
    expect(upload.content['multipart/form-data'].schema).toMatchObject({ required: ['file'], properties: { file: { format: 'binary' }, version: { type: 'string' } } });
    // Responses are strict: the document says so too.
    expect(doc.components.schemas.Deployment).toMatchObject({ type: 'object', additionalProperties: false });
  });

  it('is deterministic (the same registry gives the same document)', () => {
    const again = buildOpenApiDocument({ routes: mountedRouteDocs(t.config, t.services), publicUrl: t.config.publicUrl });
    expect(JSON.parse(JSON.stringify(again))).toEqual(doc);
  });
});

describe('GET /api/docs', () => {
  it('answers an HTML reference of every operation, served by this server only', async () => {
    for (const url of ['/api/docs?ui=basic', '/api/docs']) {
      const res = await t.request(url);
      expect(res.status, url).toBe(200);
      expect(res.headers.get('content-type'), url).toMatch(/^text\/html/);
      expect(res.text, url).toContain('Pixell Agent Cloud API');
      expect(res.headers.get('content-security-policy'), url).toContain("script-src 'self'");
      // No script or stylesheet from another origin (offline deployments, CSP 'self').
      expect(res.text, url).not.toMatch(/<(script|link)[^>]+(src|href)="(https?:)?\/\//);
    }
    const basic = await t.request('/api/docs?ui=basic');
    for (const [p, methods] of Object.entries(doc.paths)) {
      expect(basic.text).toContain(`>${p}</span>`);
      for (const op of Object.values(methods)) expect(basic.text).toContain(`id="${op.operationId as string}"`);
    }
    expect(basic.text).not.toContain('<script');
  });

  it('with the Scalar bundle installed: a page that loads it and its settings from /api/docs/assets', async () => {
    const { openApiRoutes } = await import('./openapi-routes.ts');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scalar-'));
    fs.writeFileSync(path.join(dir, 'standalone.js'), 'window.Scalar = { createApiReference() {} };');
    const small = express();
    small.use('/api', openApiRoutes(t.services, { scalarDir: dir }));
    const server = http.createServer(small);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const page = await fetch(`${base}/api/docs`);
      const html = await page.text();
      expect(html).toContain('<script src="/api/docs/assets/standalone.js"></script>');
      expect(html).toContain('<script src="/api/docs/assets/init.js"></script>');
      expect(html).not.toMatch(/<script>[^<]/); // no inline script (CSP)
      const bundle = await fetch(`${base}/api/docs/assets/standalone.js`);
      expect(bundle.status).toBe(200);
      expect(await bundle.text()).toContain('createApiReference');
      const init = await fetch(`${base}/api/docs/assets/init.js`);
      expect(init.headers.get('content-type')).toMatch(/javascript/);
      const script = await init.text();
      expect(script).toContain("url: '/api/openapi.json'");
      expect(script).toContain('withDefaultFonts: false');
      expect((await fetch(`${base}/api/docs?ui=basic`)).headers.get('content-type')).toMatch(/^text\/html/);
    } finally {
      server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('response validation (what the harness runs on every test response)', () => {
  const ok = (status: number, body: unknown, url = '/api/organizations/current', method = 'GET') => () =>
    assertDocumentedResponse({ method, url, status, contentType: 'application/json; charset=utf-8', text: JSON.stringify(body) });

  it('finds the route that answers a request (a literal segment wins over a parameter)', () => {
    expect(routeKey(findDocumentedRoute('GET', '/api/deployments/queue/stats')!)).toBe('GET /api/deployments/queue/stats');
    expect(routeKey(findDocumentedRoute('GET', '/api/deployments/abc')!)).toBe('GET /api/deployments/:id');
    expect(routeKey(findDocumentedRoute('HEAD', '/api/agent-apps/x/packages/')!)).toBe('GET /api/agent-apps/:id/packages');
    expect(findDocumentedRoute('PUT', '/api/agent-apps/x')).toBeUndefined();
  });

  it('accepts the documented body, and refuses an undocumented field, a missing field, an undocumented status or a non-error on an unknown route', () => {
    const organization = { id: '6d2c9a57-6f4f-4b43-9d54-0a6b4b2f3c10', name: 'Acme', credits: 5, created_at: new Date().toISOString() };
    expect(ok(200, { organization, role: 'owner' })).not.toThrow();
    expect(ok(200, { organization: { ...organization, secret: 'x' }, role: 'owner' })).toThrow(/organization: Unrecognized key/);
    expect(ok(200, { organization })).toThrow(/role/);
    expect(ok(401, { error: 'Invalid API key or session', code: 'UNAUTHORIZED' })).not.toThrow();
    expect(ok(401, { message: 'nope' })).toThrow(/does not match/);
    expect(ok(418, { error: 'x', code: 'CONFLICT' })).toThrow(/status 418 is not documented for GET \/api\/organizations\/current/);
    expect(ok(404, { error: 'No route', code: 'NOT_FOUND' }, '/api/nope')).not.toThrow();
    expect(ok(200, { hello: 1 }, '/api/nope')).toThrow(/no documented route/);
    expect(ok(200, { anything: true }, '/metrics')).not.toThrow(); // not the REST API
  });

  it('checks non-JSON answers by content type', () => {
    const sse = (contentType: string) => () =>
      assertDocumentedResponse({ method: 'GET', url: '/api/deployments/d/events', status: 200, contentType, text: 'event: end\ndata: {}\n\n' });
    expect(sse('text/event-stream; charset=utf-8')).not.toThrow();
    expect(sse('application/json')).toThrow(/content type/);
  });

  it('a package upload, signed download and deletion answer as documented (through the harness)', async () => {
    const owner = await createUserFixture(t);
    const app = await t.request('/api/agent-apps', { method: 'POST', token: owner.token, json: { name: 'Documented' } });
    expect(app.status).toBe(201);
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(await buildApkg({ version: '1.0.0' }))], { type: 'application/octet-stream' }), 'agent.apkg');
    const uploaded = await t.request(`/api/agent-apps/${app.body.app.id}/packages`, { method: 'POST', token: owner.token, body: form });
    expect(uploaded.status).toBe(201);
    const download = await t.request(new URL(uploaded.body.package.s3_url as string).pathname + new URL(uploaded.body.package.s3_url as string).search);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/octet-stream');
    const deleted = await t.request(`/api/agent-apps/${app.body.app.id}/packages/${uploaded.body.package.id}`, { method: 'DELETE', token: owner.token });
    expect(deleted.status).toBe(200);
    expect((await t.request(`/api/agent-apps/${app.body.app.id}/packages/${uploaded.body.package.id}`, { method: 'DELETE', token: owner.token })).status).toBe(404);
  });

  it('runs in the harness on every request', async () => {
    const owner = await createUserFixture(t);
    const res = await t.request('/api/organizations/current', { token: owner.token });
    expect(res.status).toBe(200);
    // The harness would have thrown on an undocumented answer; and it does for a status the route never gives.
    expect(() => assertDocumentedResponse({ method: 'GET', url: '/api/organizations/current', status: 201, contentType: 'application/json', text: res.text })).toThrow();
  });
});
