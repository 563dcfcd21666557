import { apiKeysRouter } from './api-keys.ts';
import { authRouter } from './auth.ts';
import { router } from './init.ts';
import { orgRouter } from './organizations.ts';

export const appRouter = router({
  auth: authRouter,
  org: orgRouter,
  apiKeys: apiKeysRouter,
});

export type AppRouter = typeof appRouter;
