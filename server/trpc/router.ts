import { apiKeysRouter } from './api-keys.ts';
import { appsRouter } from './apps.ts';
import { deploymentsRouter, packagesRouter } from './deployments.ts';
import { webhooksRouter } from './webhooks.ts';
import { authRouter } from './auth.ts';
import { router } from './init.ts';
import { orgRouter } from './organizations.ts';

export const appRouter = router({
  auth: authRouter,
  org: orgRouter,
  apiKeys: apiKeysRouter,
  apps: appsRouter,
  packages: packagesRouter,
  deployments: deploymentsRouter,
  webhooks: webhooksRouter,
});

export type AppRouter = typeof appRouter;
