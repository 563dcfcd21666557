// Test support for the webhook route tests: requests against the webhook routes of a test app. When
// server/app.ts mounts webhookRoutes (probe: an anonymous request answers 401, not "no route"), the
// app itself is used; until then the routes are mounted on a small Express app with the same
// authentication, body parsing and error rendering, over the same services.
import http from 'node:http';
import express from 'express';
import { authenticate } from '../http/authenticate.ts';
import { apiNotFound, errorHandler } from '../http/errors.ts';
import { requestId } from '../http/request-id.ts';
import type { RequestOptions, TestApp, TestResponse } from '../test/harness.ts';
import { webhookRoutes } from './webhooks.ts';

export type WebhookTestClient = { request(pathname: string, init?: RequestOptions): Promise<TestResponse>; close(): Promise<void> };

export async function webhookTestClient(t: TestApp): Promise<WebhookTestClient> {
  const probe = await t.request('/api/agent-apps/00000000-0000-0000-0000-000000000000/webhooks');
  if (probe.status === 401) return { request: t.request, close: async () => {} };

  const { services } = t;
  const app = express();
  app.use(requestId(services.log));
  const api = express.Router();
  api.use(authenticate({ db: services.db, lucia: services.lucia, now: services.now }));
  api.use(express.json({ limit: services.config.bodyLimit }));
  api.use(webhookRoutes(services));
  api.use(apiNotFound());
  api.use(errorHandler());
  app.use('/api', api);
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;

  async function request(pathname: string, init: RequestOptions = {}): Promise<TestResponse> {
    const { json, token, cookie, headers = {}, ...rest } = init;
    const h: Record<string, string> = { ...headers };
    if (json !== undefined) h['content-type'] ??= 'application/json';
    if (token) h.authorization = `Bearer ${token}`;
    if (cookie) h.cookie = `pixell_session=${cookie}`;
    const res = await fetch(baseUrl + pathname, { ...rest, headers: h, body: json !== undefined ? JSON.stringify(json) : rest.body, redirect: 'manual' });
    const text = await res.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    return { status: res.status, headers: res.headers, body, text };
  }

  return {
    request,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
