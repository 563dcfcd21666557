// The Express app: middleware, the documented REST routes, /api/trpc for the SPA, and the built SPA.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createExpressMiddleware } from '@trpc/server/adapters/express';
import express, { type Express } from 'express';
import type { DatabaseHandle } from '../db/client.ts';
import type { Services } from './domain/context.ts';
import { authenticate } from './http/authenticate.ts';
import { forPaths } from './http/for-paths.ts';
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

  app.use(requestId(app, services.log));
  app.use(requestMetrics(services.metrics));
  // Helmet with the app's CSP for pages; a short precomputed set for the JSON API (see the file).
  app.use(securityHeaders({ isProduction: config.isProduction }));

  const api = express.Router();
  // Raw body (signature over the exact bytes), before the JSON parser and the per-IP rate limit.
  api.use(forPaths(['/stripe'], stripeWebhookRoutes(services)));
  // The REST allowance counts every request except the dashboard's tRPC traffic (its own budget,
  // below) and the runtime's reports (RUNTIME_TOKEN, not an anonymous client). API-key requests are
  // counted in the statement that looks their key up.
  const restCounted = (req: express.Request) => !(req.path.startsWith('/trpc') || isRuntimeRequest(req, config));
  api.use(authenticate({ db, lucia: services.lucia, now: services.now, countApiCalls: { prefix: 'rl:', counts: restCounted } }));
  // Every API-key request is an API call (recorded in batches, never a write per request).
  const usage = usageRecorder(services);
  app.locals.usageRecorder = usage;
  api.use(usage.middleware);
  // The dashboard's own tRPC traffic has its own, more generous budget so that a busy browser tab
  // never eats the documented REST allowance that CLIs and CI jobs of the organization depend on.
  api.use(
    '/trpc',
    apiRateLimit(db, {
      authenticatedPerHour: config.rateLimit.authenticatedPerHour * 10,
      anonymousPerHour: config.rateLimit.anonymousPerHour * 10,
    }, 'rl-ui:'),
  );
  const restLimiter = apiRateLimit(db, config.rateLimit, 'rl:');
  api.use((req, res, next) => (restCounted(req) ? restLimiter(req, res, next) : next()));
  api.use(originCheck(config.publicUrl));
  api.use(express.json({ limit: config.bodyLimit }));

  api.use(
    '/trpc',
    createExpressMiddleware({
      router: appRouter,
      createContext: createContextFactory(services),
      onError: ({ error, ctx }) => {
        if (error.code === 'INTERNAL_SERVER_ERROR') ctx?.req.log.error({ err: error.cause ?? error }, 'trpc error');
      },
    }),
  );
  // Each REST router runs only for the path prefixes of its routes (forPaths checks that at start):
  // a request skips every router that cannot answer it. Routers sharing a prefix keep their order.
  api.use(forPaths(['/health'], healthRoutes(services, database)));
  if (services.adapters.storage.kind === 'local') api.use(forPaths(['/storage'], localDownloadRoutes(services.adapters.storage, config)));
  api.use(forPaths(['/auth'], authRoutes(services)));
  api.use(forPaths(['/organizations', '/invitations'], organizationRoutes(services)));
  api.use(forPaths(['/api-keys'], apiKeyRoutes(services)));
  api.use(forPaths(['/agent-apps'], agentAppRoutes(services)));
  api.use(forPaths(['/audit-logs'], auditLogRoutes(services)));
  api.use(forPaths(['/agent-apps'], packageRoutes(services)));
  api.use(forPaths(['/agent-apps'], webhookRoutes(services)));
  api.use(forPaths(['/agent-apps'], secretRoutes(services)));
  api.use(forPaths(['/deployments', '/agent-apps', '/cron'], deploymentRoutes(services)));
  api.use(forPaths(['/deployments'], deploymentEventStreamRoute(services)));
  api.use(forPaths(['/credits'], creditRoutes(services)));
  api.use(forPaths(['/usage'], usageRoutes(services)));
  if (!config.isProduction) api.use(forPaths(['/dev'], devRoutes(services)));
  api.use(forPaths(['/openapi.json', '/docs'], openApiRoutes(services)));
  api.use(apiNotFound());
  api.use(errorHandler());
  app.use('/api', api);
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
