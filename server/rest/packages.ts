// Section 5 of the REST doc: packages (upload, deploy, list, delete).
import { Router, type Request, type Response } from 'express';
import type { Services } from '../domain/context.ts';
import { findAppOrThrow } from '../domain/apps/find-app.ts';
import { requireOrgActor } from '../domain/context.ts';
import { AppError } from '../domain/errors.ts';
import { acceptPackageUpload, newPackageStorageKey } from '../domain/packages/accept-package-upload.ts';
import { deletePackage } from '../domain/packages/delete-package.ts';
import { listPackages } from '../domain/packages/list-packages.ts';
import { packageFormFields } from '../domain/packages/package-schemas.ts';
import { receivePackageFile, type ReceivedPackageFile } from '../domain/packages/receive-package-file.ts';
import { parseUploadForm, tooLarge } from '../http/multipart.ts';
import { domainCtx } from '../http/request-context.ts';
import { iso, parseInput } from './parse.ts';
import { packageJson } from './packages-shape.ts';

/** Streams the multipart body into storage + a temp file, then hands everything to the domain. */
async function receiveUpload(services: Services, req: Request, res: Response, deploy: boolean) {
  const ctx = domainCtx(services, req);
  const actor = requireOrgActor(ctx);
  const app = await findAppOrThrow(services.db, actor.orgId, String(req.params.id));
  const max = services.config.maxPackageBytes;
  const { packageId, key } = newPackageStorageKey(actor.orgId, app.id);
  let received: ReceivedPackageFile | undefined;
  // Once the request has failed (a later part refused, the size limit hit: busboy then ends the file
  // stream as if it were complete), a file that finishes storing afterwards is removed at once.
  let failed = false;
  try {
    const form = await parseUploadForm(req, {
      maxFileBytes: max,
      onFile: async (stream) => {
        try {
          const file = await receivePackageFile(services.adapters.storage, stream, key, max);
          if (failed || (stream as { truncated?: boolean }).truncated) {
            await file.discard();
            throw tooLarge(max);
          }
          received = file;
          return received;
        } catch (err) {
          stream.resume();
          if ((err as { code?: string }).code === 'PAYLOAD_TOO_LARGE' || (err as Error).message === 'too large') throw tooLarge(max);
          throw err;
        }
      },
    });
    if (!form.file) throw new AppError('PACKAGE_VALIDATION_FAILED', 'Package validation failed', { details: ['Missing "file" part: attach the .apkg file as multipart field "file"'] });
    const fields = parseInput(packageFormFields, form.fields);
    const file = form.file;
    received = undefined; // the domain owns the file from here (cleans up on success and on failure)
    return await acceptPackageUpload(ctx, { appId: app.id, app, packageId, file, fields, signature: form.signature, deploy });
  } catch (err) {
    failed = true;
    if (received) await received.discard();
    if (err instanceof AppError && err.code === 'PAYLOAD_TOO_LARGE') {
      // Stop reading the body at once: answer, then close the connection.
      res.setHeader('Connection', 'close');
      res.on('finish', () => req.socket.destroy());
    }
    throw err;
  }
}

export function packageRoutes(services: Services): Router {
  const r = Router();

  r.post('/agent-apps/:id/packages', async (req, res) => {
    const result = await receiveUpload(services, req, res, false);
    res.status(201).json({ package: await packageJson(services, result.package), warnings: result.warnings });
  });

  r.post('/agent-apps/:id/packages/deploy', async (req, res) => {
    const result = await receiveUpload(services, req, res, true);
    const d = result.deployment!;
    const base = services.config.publicUrl;
    res.status(202).json({
      deployment: {
        id: d.id,
        status: d.status,
        message: 'Deployment queued successfully',
        queued_at: iso(d.queuedAt),
        estimated_duration_seconds: 120,
        credits_reserved: d.creditsReserved,
      },
      package: { id: result.package.id, version: result.package.version, size_bytes: result.package.size, status: 'uploaded', sha256: result.package.sha256 },
      tracking: {
        status_url: `${base}/api/deployments/${d.id}`,
        events_url: `${base}/api/deployments/${d.id}/events`,
        webhook_url: `${base}/api/agent-apps/${d.appId}/webhooks`,
      },
      warnings: result.warnings,
    });
  });

  r.get('/agent-apps/:id/packages', async (req, res) => {
    const rows = await listPackages(domainCtx(services, req), req.params.id);
    res.json({ packages: await Promise.all(rows.map((p) => packageJson(services, p))) });
  });

  r.delete('/agent-apps/:id/packages/:packageId', async (req, res) => {
    await deletePackage(domainCtx(services, req), req.params.id, req.params.packageId);
    res.json({ message: 'Package deleted successfully' });
  });

  return r;
}
