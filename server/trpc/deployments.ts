// Deployments and packages for the SPA, over the same domain functions as the REST routes, plus the
// live-progress subscription (SSE through httpSubscriptionLink, resumable by tracked seq ids).
import { tracked } from '@trpc/server';
import { z } from 'zod';
import { cancelDeployment } from '../domain/deployments/cancel-deployment.ts';
import { deploymentView } from '../domain/deployments/deployment-view.ts';
import { followDeployment } from '../domain/deployments/follow-deployment.ts';
import { getDeployment, listDeploymentEvents, listDeployments } from '../domain/deployments/get-deployment.ts';
import { getQueueStats } from '../domain/deployments/queue-stats.ts';
import { redeployPackage } from '../domain/deployments/redeploy-package.ts';
import { AppError } from '../domain/errors.ts';
import { deletePackage } from '../domain/packages/delete-package.ts';
import { listPackages } from '../domain/packages/list-packages.ts';
import { orgProcedure, router } from './init.ts';

const idInput = z.object({ id: z.string() });

export const deploymentsRouter = router({
  list: orgProcedure
    .input(
      z.object({
        appId: z.string().optional(),
        status: z.enum(['queued', 'processing', 'completed', 'failed', 'cancelled']).optional(),
        limit: z.number().int().min(1).max(100).default(25),
        before: z.date().optional(),
      }),
    )
    .query(async ({ ctx, input }) => (await listDeployments(ctx.domain, input)).map(deploymentView)),
  get: orgProcedure.input(idInput).query(async ({ ctx, input }) => deploymentView(await getDeployment(ctx.domain, input.id))),
  events: orgProcedure.input(z.object({ id: z.string(), after: z.number().int().min(0).default(0) })).query(async ({ ctx, input }) => (await listDeploymentEvents(ctx.domain, input.id, input.after)).events),
  queueStats: orgProcedure.query(({ ctx }) => getQueueStats(ctx.services)),
  cancel: orgProcedure.input(idInput).mutation(async ({ ctx, input }) => deploymentView(await cancelDeployment(ctx.domain, input.id))),
  rollback: orgProcedure
    .input(z.object({ appId: z.string(), packageId: z.string() }))
    .mutation(async ({ ctx, input }) => deploymentView((await redeployPackage(ctx.domain, input.appId, { packageId: input.packageId }, 'rollback')).deployment)),
  redeploy: orgProcedure.input(idInput).mutation(async ({ ctx, input }) => {
    const previous = await getDeployment(ctx.domain, input.id);
    if (!previous.packageId) throw new AppError('CONFLICT', 'The package of this deployment was deleted');
    return deploymentView((await redeployPackage(ctx.domain, previous.appId, { packageId: previous.packageId }, 'redeploy')).deployment);
  }),
  follow: orgProcedure.input(z.object({ id: z.string(), lastEventId: z.string().nullish() })).subscription(async function* ({ ctx, input, signal }) {
    const after = input.lastEventId ? Number(input.lastEventId) || 0 : 0;
    for await (const update of followDeployment(ctx.domain, ctx.services.feed.subscribe, input.id, after, signal ?? new AbortController().signal)) {
      yield tracked(String(update.event.seq), { event: update.event, deployment: deploymentView(update.deployment) });
    }
  }),
});

export const packagesRouter = router({
  list: orgProcedure.input(z.object({ appId: z.string() })).query(({ ctx, input }) => listPackages(ctx.domain, input.appId)),
  delete: orgProcedure.input(z.object({ appId: z.string(), packageId: z.string() })).mutation(async ({ ctx, input }) => {
    await deletePackage(ctx.domain, input.appId, input.packageId);
    return { id: input.packageId };
  }),
});
