// Section 4 of the REST doc: agent apps.
import { Router } from 'express';
import { createAppInput, updateAppInput } from '../domain/apps/app-schemas.ts';
import { createApp } from '../domain/apps/create-app.ts';
import { deleteApp } from '../domain/apps/delete-app.ts';
import { getApp } from '../domain/apps/get-app.ts';
import { listApps } from '../domain/apps/list-apps.ts';
import { updateApp } from '../domain/apps/update-app.ts';
import type { Services } from '../domain/context.ts';
import { coalescedRead, sharedJson } from '../http/coalesced-read.ts';
import { domainCtx } from '../http/request-context.ts';
import { iso, parseInput } from './parse.ts';
import { packageJson } from './packages-shape.ts';

export function agentAppRoutes(services: Services): Router {
  const r = Router();
  const listOrgApps = coalescedRead(listApps);

  // A whole coalesced batch gets one result, serialized once for all of its requests.
  const sendAppList = sharedJson((apps: Awaited<ReturnType<typeof listApps>>) => ({
    apps: apps.map((a) => ({
      id: a.id,
      name: a.name,
      description: a.description,
      is_public: a.isPublic,
      active_version: a.activeVersion,
      created_at: iso(a.createdAt),
      updated_at: iso(a.updatedAt),
      packages: a.packages.map((p) => ({ id: p.id, version: p.version, created_at: iso(p.createdAt) })),
    })),
  }));

  r.get('/agent-apps', async (req, res) => {
    sendAppList(res, await listOrgApps(domainCtx(services, req)));
  });

  r.post('/agent-apps', async (req, res) => {
    const input = parseInput(createAppInput, req.body);
    const app = await createApp(domainCtx(services, req), input);
    res.status(201).json({
      app: { id: app.id, name: app.name, description: app.description, is_public: app.isPublic, created_at: iso(app.createdAt) },
    });
  });

  r.get('/agent-apps/:id', async (req, res) => {
    const app = await getApp(domainCtx(services, req), req.params.id);
    res.json({
      app: {
        ...appSettingsJson(app),
        active_version: app.activeVersion,
        active_package_id: app.activePackageId,
        created_at: iso(app.createdAt),
        packages: await Promise.all(app.packages.map((p) => packageJson(services, p))),
      },
    });
  });

  r.patch('/agent-apps/:id', async (req, res) => {
    const input = parseInput(updateAppInput, req.body);
    const app = await updateApp(domainCtx(services, req), req.params.id, input);
    res.json({ app: appSettingsJson(app) });
  });

  r.delete('/agent-apps/:id', async (req, res) => {
    await deleteApp(domainCtx(services, req), req.params.id);
    res.json({ message: 'Agent app deleted successfully' });
  });

  return r;
}

type AppSettings = { id: string; name: string; description: string | null; isPublic: boolean; trustedPublicKeys: string[] | null; updatedAt: Date };

/** What PATCH answers, and the settings part of GET /api/agent-apps/:id. */
function appSettingsJson(app: AppSettings) {
  return {
    id: app.id,
    name: app.name,
    description: app.description,
    is_public: app.isPublic,
    trusted_public_keys: app.trustedPublicKeys,
    updated_at: iso(app.updatedAt),
  };
}
