// Agent apps for the SPA: the same domain functions as rest/agent-apps.ts.
import { z } from 'zod';
import { createAppInput, updateAppInput } from '../domain/apps/app-schemas.ts';
import { createApp } from '../domain/apps/create-app.ts';
import { deleteApp } from '../domain/apps/delete-app.ts';
import { getApp } from '../domain/apps/get-app.ts';
import { listApps } from '../domain/apps/list-apps.ts';
import { updateApp } from '../domain/apps/update-app.ts';
import { orgProcedure, router } from './init.ts';

const idInput = z.object({ id: z.string() });

export const appsRouter = router({
  list: orgProcedure.query(({ ctx }) => listApps(ctx.domain)),
  get: orgProcedure.input(idInput).query(async ({ ctx, input }) => {
    const app = await getApp(ctx.domain, input.id);
    const storage = ctx.services.adapters.storage;
    return {
      ...app,
      packages: await Promise.all(
        app.packages.map(async (p) => ({ ...p, downloadUrl: await storage.signedUrl(p.storageKey, { fileName: `${app.name}-${p.version}.apkg` }) })),
      ),
    };
  }),
  create: orgProcedure.input(createAppInput).mutation(({ ctx, input }) => createApp(ctx.domain, input)),
  update: orgProcedure.input(z.object({ id: z.string(), patch: updateAppInput })).mutation(({ ctx, input }) => updateApp(ctx.domain, input.id, input.patch)),
  delete: orgProcedure.input(idInput).mutation(async ({ ctx, input }) => {
    await deleteApp(ctx.domain, input.id);
    return { id: input.id };
  }),
});
