import { apiKeysRouter } from './api-keys.ts';
import { appsRouter } from './apps.ts';
import { auditLogsRouter } from './audit-logs.ts';
import { deploymentsRouter, packagesRouter } from './deployments.ts';
import { webhooksRouter } from './webhooks.ts';
import { secretsRouter } from './secrets.ts';
import { authRouter } from './auth.ts';
import { router } from './init.ts';
import { billingRouter } from './billing.ts';
import { usageRouter } from './usage.ts';
import { orgRouter } from './organizations.ts';

export const appRouter = router({
  auth: authRouter,
  org: orgRouter,
  apiKeys: apiKeysRouter,
  apps: appsRouter,
  auditLogs: auditLogsRouter,
  packages: packagesRouter,
  deployments: deploymentsRouter,
  webhooks: webhooksRouter,
  secrets: secretsRouter,
  billing: billingRouter,
  usage: usageRouter,
});

export type AppRouter = typeof appRouter;
