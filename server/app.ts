// The Express app: middleware, the documented REST routes, /api/trpc for the SPA, and the built SPA.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createExpressMiddleware } from '@trpc/server/adapters/express';
import express, { type Express } from 'express';
import helmet from 'helmet';
import type { DatabaseHandle } from '../db/client.ts';
import type { Services } from './domain/context.ts';
import { authenticate } from './http/authenticate.ts';
import { apiNotFound, errorHandler } from './http/errors.ts';
import { originCheck } from './http/origin-check.ts';
import { apiRateLimit } from './http/rate-limit.ts';
import { requestId } from './http/request-id.ts';
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
import { healthRoutes } from './rest/health.ts';
import { organizationRoutes } from './rest/organizations.ts';
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

  app.use(requestId(services.log));
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          'script-src': ["'self'"],
          'img-src': ["'self'", 'data:'],
          'connect-src': ["'self'"],
          'upgrade-insecure-requests': config.isProduction ? [] : null,
        },
      },
      strictTransportSecurity: config.isProduction ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    }),
  );

  const api = express.Router();
  api.use(authenticate({ db, lucia: services.lucia, now: services.now }));
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
  api.use((req, res, next) => (req.path.startsWith('/trpc') ? next() : restLimiter(req, res, next)));
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
  api.use(healthRoutes(services, database));
  if (services.adapters.storage.kind === 'local') api.use(localDownloadRoutes(services.adapters.storage, config));
  api.use(authRoutes(services));
  api.use(organizationRoutes(services));
  api.use(apiKeyRoutes(services));
  api.use(agentAppRoutes(services));
  api.use(auditLogRoutes(services));
  api.use(packageRoutes(services));
  api.use(webhookRoutes(services));
  api.use(secretRoutes(services));
  api.use(deploymentRoutes(services));
  api.use(deploymentEventStreamRoute(services));
  if (!config.isProduction) api.use(devRoutes(services));
  api.use(apiNotFound());
  api.use(errorHandler());
  app.use('/api', api);

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
