import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appUsageRecorder, createApp } from '../app.ts';
import { createApiKeyFixture, createUserFixture, startTestApp, type TestApp } from '../test/harness.ts';
import { securityHeaders } from './security-headers.ts';

/** What every JSON API response carries (OWASP REST Security Cheat Sheet). */
const API_HEADERS = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cross-origin-resource-policy': 'same-origin',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

/** Helmet's set with the app's Content-Security-Policy: pages, static files, the API reference. */
const PAGE_CSP = "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';frame-ancestors 'self';img-src 'self' data:;object-src 'none';script-src 'self';script-src-attr 'none';style-src 'self' https: 'unsafe-inline';connect-src 'self'";
const PAGE_HEADERS = {
  'content-security-policy': PAGE_CSP,
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'SAMEORIGIN',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
};

const HSTS = 'max-age=31536000; includeSubDomains';
const NAMES = [...new Set([...Object.keys(API_HEADERS), ...Object.keys(PAGE_HEADERS), 'strict-transport-security', 'x-powered-by'])];

/** The security headers a response carries (every other header left out). */
function securityHeadersOf(headers: Headers): Record<string, string> {
  return Object.fromEntries(NAMES.flatMap((n) => (headers.has(n) ? [[n, headers.get(n) as string]] : [])));
}

async function listen(app: express.Express): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('JSON API responses', () => {
  it('carry the lean REST set, on success, on errors and on unmatched paths', async () => {
    const owner = await createUserFixture(t);
    const key = await createApiKeyFixture(t, owner);
    const responses = [
      await t.request('/api/agent-apps', { token: key.key }),
      await t.request('/api/agent-apps'),
      await t.request('/api/health'),
      await t.request('/api/openapi.json'),
      await t.request('/api/no-such-route'),
      await t.request('/api/agent-apps', { method: 'POST', token: key.key, json: { name: '' } }),
    ];
    expect(responses.map((r) => r.status)).toEqual([200, 401, 200, 200, 404, 400]);
    for (const res of responses) {
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(securityHeadersOf(res.headers)).toEqual(API_HEADERS);
    }
  });
});

describe('the HTML API reference', () => {
  it('keeps helmet with the page Content-Security-Policy, assets included', async () => {
    for (const url of ['/api/docs', '/api/docs?ui=basic', '/api/docs/assets/init.js']) {
      const res = await t.request(url);
      expect(res.status, url).toBe(200);
      expect(securityHeadersOf(res.headers), url).toEqual(PAGE_HEADERS);
    }
  });
});

describe('the SPA and its static files', () => {
  it('keep helmet with the page Content-Security-Policy', async () => {
    const spaDir = path.join(t.config.dataDir, 'spa');
    fs.mkdirSync(path.join(spaDir, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(spaDir, 'index.html'), '<!doctype html><title>Pixell</title>');
    fs.writeFileSync(path.join(spaDir, 'assets', 'app.js'), 'console.log(1);');
    const app = createApp({ services: t.services, database: t.database, spaDir });
    const server = await listen(app);
    try {
      for (const [url, status] of [['/', 200], ['/apps/some-app', 200], ['/assets/app.js', 200], ['/assets/missing.js', 404], ['/metrics', 200], ['/apix', 200]] as const) {
        const res = await fetch(server.url + url);
        expect(res.status, url).toBe(status);
        expect(securityHeadersOf(res.headers), url).toEqual(PAGE_HEADERS);
      }
    } finally {
      await server.close();
      await appUsageRecorder(app).stop();
    }
  });
});

describe('in production', () => {
  it('adds the same HSTS to both sets, and upgrade-insecure-requests to the page policy only', async () => {
    const app = express();
    app.disable('x-powered-by');
    app.use(securityHeaders({ isProduction: true }));
    app.get('/api/things', (_req, res) => res.json({ ok: true }));
    app.get('/api/docs', (_req, res) => res.type('text/html').send('<!doctype html>'));
    app.get('/', (_req, res) => res.type('text/html').send('<!doctype html>'));
    const server = await listen(app);
    try {
      const api = await fetch(`${server.url}/api/things`);
      expect(securityHeadersOf(api.headers)).toEqual({ ...API_HEADERS, 'strict-transport-security': HSTS });
      const pageCsp = PAGE_CSP.replace(";connect-src 'self'", ";upgrade-insecure-requests;connect-src 'self'");
      for (const url of ['/', '/api/docs']) {
        const page = await fetch(server.url + url);
        expect(securityHeadersOf(page.headers), url).toEqual({ ...PAGE_HEADERS, 'content-security-policy': pageCsp, 'strict-transport-security': HSTS });
      }
    } finally {
      await server.close();
    }
  });
});
