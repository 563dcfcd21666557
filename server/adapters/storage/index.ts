// Chooses the storage adapter from configuration: S3 when S3_BUCKET is set, else DATA_DIR/objects.
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../../config.ts';
import { createDownloadUrlSigner, resolveDownloadUrlSecret } from './download-url-signer.ts';
import { LocalStorage } from './local-storage.ts';
import { S3Storage } from './s3-storage.ts';
import type { StorageAdapter } from './storage-adapter.ts';

export type { StorageAdapter } from './storage-adapter.ts';
export { ObjectTooLargeError } from './storage-adapter.ts';
export { localDownloadRoutes } from './local-download-route.ts';

export function createStorageAdapter(config: Config, log: Logger): StorageAdapter {
  if (config.s3) {
    log.info({ bucket: config.s3.bucket, endpoint: config.s3.endpoint ?? 'aws' }, 'storage: S3');
    return new S3Storage({ ...config.s3, defaultTtlSeconds: config.downloadUrl.ttlSeconds }, log);
  }
  const rootDir = path.join(config.dataDir, 'objects');
  log.info({ dir: rootDir }, 'storage: local files');
  const signer = createDownloadUrlSigner({
    publicUrl: config.publicUrl,
    secret: resolveDownloadUrlSecret(config),
    defaultTtlSeconds: config.downloadUrl.ttlSeconds,
  });
  return new LocalStorage({ rootDir, signer });
}
