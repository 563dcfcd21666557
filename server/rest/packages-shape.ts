// The documented JSON of a package: `s3_url` is a URL that downloads the object without a session
// (presigned in S3 mode, an HMAC-signed route of the app in local mode), valid DOWNLOAD_URL_TTL_SECONDS.
import type { packages } from '../../db/schema/index.ts';
import type { Services } from '../domain/context.ts';
import { iso } from './parse.ts';

type PackageRow = typeof packages.$inferSelect;

export async function packageJson(services: Services, p: PackageRow) {
  return {
    id: p.id,
    version: p.version,
    s3_url: await services.adapters.storage.signedUrl(p.storageKey, { fileName: `package-${p.version}.apkg` }),
    size: p.size,
    sha256: p.sha256,
    release_notes: p.releaseNotes,
    signature_status: p.signatureStatus,
    warnings: p.warnings,
    created_at: iso(p.createdAt),
  };
}
