// Upload (and optionally deploy) an APKG. The file has already been streamed to storage (local:
// staged beside its key, not yet published) and to a file the validator can read
// (receive-package-file.ts); this validates it, publishes it, and in ONE transaction records the
// package and — for a deploy — reserves the credits and queues the deployment. Whatever fails, the
// stored objects are removed and nothing is written: no half-written rows or files, no credits spent.
import crypto from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import { agentApps, deployments, packages } from '../../../db/schema/index.ts';
import { validateApkg } from '../../apkg/validate-apkg.ts';
import { verifyDetachedSignature } from '../../apkg/verify-signature.ts';
import { appStoragePrefix } from '../apps/delete-app.ts';
import { findAppOrThrow } from '../apps/find-app.ts';
import { recordAudit } from '../audit.ts';
import { actorUserId, requireOrgActor, type DomainCtx } from '../context.ts';
import { deploymentCost } from '../deployments/deployment-steps.ts';
import { enqueueDeployment } from '../deployments/enqueue-deployment.ts';
import { recordPackageUploadUsage } from '../usage/record-package-upload-usage.ts';
import { AppError, conflict } from '../errors.ts';
import type { PackageFormFields } from './package-schemas.ts';
import type { ReceivedPackageFile } from './receive-package-file.ts';

export const newPackageStorageKey = (orgId: string, appId: string, packageId = crypto.randomUUID()) => ({
  packageId,
  key: `${appStoragePrefix(orgId, appId)}packages/${packageId}.apkg`,
});

export function packageValidationFailed(details: string[]) {
  return new AppError('PACKAGE_VALIDATION_FAILED', 'Package validation failed', { details });
}

type AgentApp = typeof agentApps.$inferSelect;

export type AcceptedPackage = {
  package: typeof packages.$inferSelect;
  deployment: typeof deployments.$inferSelect | null;
  warnings: string[];
};

export async function acceptPackageUpload(
  ctx: DomainCtx,
  input: {
    appId: string;
    /** The app as the caller just read it, if it did (spares a lookup; it is locked and read again in the transaction). */
    app?: AgentApp;
    packageId: string;
    file: ReceivedPackageFile;
    fields: PackageFormFields;
    signature?: Buffer;
    deploy: boolean;
  },
): Promise<AcceptedPackage> {
  const actor = requireOrgActor(ctx);
  const { file, fields } = input;
  const storage = ctx.adapters.storage;
  const signatureKey = `${file.storageKey}.sig`;
  let signatureStored = false;
  let replacedKeys: string[] = [];
  try {
    const app = input.app?.orgId === actor.orgId && input.app.id === input.appId ? input.app : await findAppOrThrow(ctx.db, actor.orgId, input.appId);
    const validation = await validateApkg(file.data, { expectedVersion: fields.version, blockCrc32: file.blockCrc32 });
    if (!validation.ok || !validation.version) throw packageValidationFailed(validation.errors.length ? validation.errors : ['Invalid APKG format']);
    const version = validation.version;

    let signatureStatus: 'none' | 'unverified' | 'verified' = 'none';
    if (app.trustedPublicKeys.length > 0) {
      if (!input.signature?.length) throw packageValidationFailed(['Signature required: this app only accepts packages signed with one of its trusted keys']);
      const verdict = await verifyDetachedSignature(file.data, input.signature, app.trustedPublicKeys);
      if (!verdict.valid) throw packageValidationFailed([`Signature verification failed${verdict.error ? `: ${verdict.error}` : ''}`]);
      signatureStatus = 'verified';
    } else if (input.signature?.length) {
      signatureStatus = 'unverified';
    }
    // The package is accepted: publish it at its key (waits for its fsync) before any row points at it.
    await file.commit();
    if (input.signature?.length) {
      await storage.put(signatureKey, input.signature, { contentType: 'application/pgp-signature' });
      signatureStored = true;
    }

    const result = await ctx.db.transaction(async (tx) => {
      const locked = await findAppOrThrow(tx, actor.orgId, app.id, { forUpdate: true });
      const [existing] = await tx.select().from(packages).where(and(eq(packages.appId, locked.id), eq(packages.version, version)));
      const values = {
        storageKey: file.storageKey,
        size: file.size,
        sha256: file.sha256,
        releaseNotes: fields.release_notes ?? null,
        signatureKey: signatureStored ? signatureKey : null,
        signatureStatus,
        manifest: validation.manifest as Record<string, unknown> | null,
        warnings: validation.warnings,
        uploadedBy: actorUserId(actor),
      };
      let pkg: typeof packages.$inferSelect;
      if (existing) {
        if (!(input.deploy && fields.force_overwrite)) throw packageValidationFailed(['Version already exists']);
        const [busy] = await tx
          .select({ id: deployments.id })
          .from(deployments)
          .where(and(eq(deployments.packageId, existing.id), inArray(deployments.status, ['queued', 'processing'])))
          .limit(1);
        if (busy) throw conflict(`Version ${version} is being deployed right now; wait for deployment ${busy.id} to finish before overwriting it`);
        [pkg] = await tx.update(packages).set({ ...values, createdAt: ctx.now() }).where(eq(packages.id, existing.id)).returning();
        replacedKeys = [existing.storageKey, ...(existing.signatureKey ? [existing.signatureKey] : [])];
      } else {
        [pkg] = await tx.insert(packages).values({ id: input.packageId, orgId: actor.orgId, appId: locked.id, version, ...values }).returning();
      }
      // Independent writes, sent together (PostgreSQL pipelines them on the transaction's connection).
      // A failure below (e.g. 402 from the reservation) rolls all of them back with the transaction.
      const sideWrites = Promise.all([
        recordAudit(tx, actor, {
          orgId: actor.orgId,
          action: existing ? 'package.overwrite' : 'package.upload',
          resourceType: 'package',
          resourceId: pkg.id,
          metadata: { app_id: locked.id, version, size: file.size },
        }),
        recordPackageUploadUsage(tx, { orgId: actor.orgId, appId: locked.id, appName: locked.name, packageId: pkg.id, version, at: ctx.now() }),
        tx.update(agentApps).set({ updatedAt: ctx.now() }).where(eq(agentApps.id, locked.id)),
      ]);
      sideWrites.catch(() => undefined);
      let deployment: typeof deployments.$inferSelect | null = null;
      if (input.deploy) {
        deployment = await enqueueDeployment(tx, {
          actor,
          orgId: actor.orgId,
          appId: locked.id,
          appName: locked.name,
          packageId: pkg.id,
          version,
          cost: deploymentCost(file.size),
          kind: 'deploy',
          envEncrypted: fields.environment && Object.keys(fields.environment).length ? ctx.secrets.encrypt(JSON.stringify(fields.environment)) : null,
          now: ctx.now(),
        });
        await recordAudit(tx, actor, { orgId: actor.orgId, action: 'deployment.create', resourceType: 'deployment', resourceId: deployment.id, metadata: { version } });
      }
      await sideWrites;
      return { package: pkg, deployment, warnings: validation.warnings };
    });
    for (const key of replacedKeys) await storage.delete(key).catch((err: unknown) => ctx.log.warn({ err, key }, 'could not delete a replaced package object'));
    await file.cleanup();
    return result;
  } catch (err) {
    await file.discard();
    if (signatureStored) await storage.delete(signatureKey).catch(() => undefined);
    throw err;
  }
}
