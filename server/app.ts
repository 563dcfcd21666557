// The Express app: middleware, the documented REST routes, /api/trpc for the SPA, and the built SPA.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createExpressMiddleware } from '@trpc/server/adapters/express';
import express, { type Express } from 'express';
import type { DatabaseHandle } from '../db/client.ts';
import type { Services } from './domain/context.ts';
import { authenticate } from './http/authenticate.ts';
import { chain, dispatchByPrefix, underPrefix } from './http/api-dispatch.ts';
import { apiNotFound, errorHandler } from './http/errors.ts';
import { originCheck } from './http/origin-check.ts';
import { apiRateLimit } from './http/rate-limit.ts';
import { requestId } from './http/request-id.ts';
import { securityHeaders } from './http/security-headers.ts';
import { metricsRoute, requestMetrics } from './http/metrics-route.ts';
import { usageRecorder, type UsageRecorder } from './http/usage-recorder.ts';
import { isRuntimeRequest } from './rest/usage.ts';
import { localDownloadRoutes } from './adapters/storage/local-download-route.ts';
import { agentAppRoutes } from './rest/agent-apps.ts';
import { auditLogRoutes } from './rest/audit-logs.ts';
import { deploymentEventStreamRoute, deploymentRoutes } from './rest/deployments.ts';
import { packageRoutes } from './rest/packages.ts';
import { webhookRoutes } from './rest/webhooks.ts';
import { secretRoutes } from './rest/secrets.ts';
import { apiKeyRoutes } from './rest/api-keys.ts';
import { authRoutes } from './rest/auth.ts';
import { devRoutes } from './rest/dev.ts';
import { openApiRoutes } from './rest/openapi/openapi-routes.ts';
import { healthRoutes } from './rest/health.ts';
import { organizationRoutes } from './rest/organizations.ts';
import { creditRoutes } from './rest/credits.ts';
import { stripeWebhookRoutes } from './rest/stripe-webhook.ts';
import { usageRoutes } from './rest/usage.ts';
import { createContextFactory } from './trpc/init.ts';
import { appRouter } from './trpc/router.ts';

export const SPA_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');

export type AppDeps = {
  services: Services;
  database: Pick<DatabaseHandle, 'ping'>;
  /** Folder of the built SPA; served when it exists. */
  spaDir?: string;
};

export function createApp({ services, database, spaDir = SPA_DIR }: AppDeps): Express {
  const { config, db } = services;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.set('etag', false);

  // Plain chains and a prefix table instead of Express router layers on the request path (see
  // http/api-dispatch.ts): a request enters only the routers that can answer it.
  app.use(
    chain([
      requestId(app, services.log),
      requestMetrics(services.metrics),
      // Helmet with the app's CSP for pages; a short precomputed set for the JSON API (see the file).
      securityHeaders({ isProduction: config.isProduction }),
    ]),
  );

  // The REST allowance counts every request except the dashboard's tRPC traffic (its own budget,
  // below) and the runtime's reports (RUNTIME_TOKEN, not an anonymous client). API-key requests are
  // counted in the statement that looks their key up.
  const isTrpc = underPrefix('/trpc');
  const restCounted = (req: express.Request) => !(isTrpc(req.path) || isRuntimeRequest(req, config));
  // Every API-key request is an API call (tallied, never a write per request).
  const usage = usageRecorder(services);
  app.locals.usageRecorder = usage;
  // The dashboard's own tRPC traffic has its own, more generous budget so that a busy browser tab
  // never eats the documented REST allowance that CLIs and CI jobs of the organization depend on.
  const uiLimiter = apiRateLimit(db, {
    authenticatedPerHour: config.rateLimit.authenticatedPerHour * 10,
    anonymousPerHour: config.rateLimit.anonymousPerHour * 10,
  }, 'rl-ui:');
  const restLimiter = apiRateLimit(db, config.rateLimit, 'rl:');
  const trpc = express.Router();
  trpc.use(
    '/trpc',
    createExpressMiddleware({
      router: appRouter,
      createContext: createContextFactory(services),
      onError: ({ error, ctx }) => {
        if (error.code === 'INTERNAL_SERVER_ERROR') ctx?.req.log.error({ err: error.cause ?? error }, 'trpc error');
      },
    }),
  );
  // Each router runs only for the path prefixes of its routes (dispatchByPrefix checks that at
  // start). Routers sharing a prefix keep their order.
  type Mount = [prefixes: string[], router: express.Router];
  const routes: Mount[] = [
    [['/trpc'], trpc],
    [['/health'], healthRoutes(services, database)],
    ...(services.adapters.storage.kind === 'local' ? [[['/storage'], localDownloadRoutes(services.adapters.storage, config)] satisfies Mount] : []),
    [['/auth'], authRoutes(services)],
    [['/organizations', '/invitations'], organizationRoutes(services)],
    [['/api-keys'], apiKeyRoutes(services)],
    [['/agent-apps'], agentAppRoutes(services)],
    [['/audit-logs'], auditLogRoutes(services)],
    [['/agent-apps'], packageRoutes(services)],
    [['/agent-apps'], webhookRoutes(services)],
    [['/agent-apps'], secretRoutes(services)],
    [['/deployments', '/agent-apps', '/cron'], deploymentRoutes(services)],
    [['/deployments'], deploymentEventStreamRoute(services)],
    [['/credits'], creditRoutes(services)],
    [['/usage'], usageRoutes(services)],
    ...(config.isProduction ? [] : [[['/dev'], devRoutes(services)] satisfies Mount]),
    [['/openapi.json', '/docs'], openApiRoutes(services)],
  ];
  const api = chain([
    // Raw body (signature over the exact bytes), before the JSON parser and the per-IP rate limit.
    dispatchByPrefix([[['/stripe'], stripeWebhookRoutes(services)]]),
    authenticate({ db, lucia: services.lucia, now: services.now, countApiCalls: { prefix: 'rl:', counts: restCounted } }),
    usage.middleware,
    (req, res, next) => (isTrpc(req.path) ? uiLimiter(req, res, next) : restCounted(req) ? restLimiter(req, res, next) : next()),
    originCheck(config.publicUrl),
    express.json({ limit: config.bodyLimit }),
    dispatchByPrefix(routes),
    apiNotFound(),
  ]);
  app.use('/api', api, errorHandler());
  app.use(metricsRoute(services.metrics, config.metricsToken));

  if (fs.existsSync(path.join(spaDir, 'index.html'))) {
    app.use(express.static(spaDir, { index: false, maxAge: '1h', immutable: false }));
    app.use('/assets', (_req, res) => res.status(404).end());
    app.get(/.*/, (_req, res) => {
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(path.join(spaDir, 'index.html'));
    });
  }
  app.use(errorHandler());
  return app;
}

/** The API-call recorder of an app made by createApp (flush and stop it at shutdown). */
export function appUsageRecorder(app: Express): UsageRecorder {
  return app.locals.usageRecorder as UsageRecorder;
}
