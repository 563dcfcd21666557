// Signed download links for local storage: `${publicUrl}/api/storage/download?key=…&expires=…&sig=…`
// (+ `&name=…` for the offered file name). sig = base64url(HMAC-SHA256(secret, "v1\nkey\nexpires\nname"))
// so neither the key, the expiry nor the file name can be changed; comparison is constant-time.
import crypto from 'node:crypto';
import { readOrCreateSecretFile } from '../../secret-files.ts';
import type { Config } from '../../config.ts';
import { AppError } from '../../domain/errors.ts';
import { constantTimeEqual } from '../../domain/tokens.ts';
import { resolveTtlSeconds } from './storage-adapter.ts';

export const DOWNLOAD_ROUTE_PATH = '/storage/download';

export type DownloadUrlSigner = {
  /** An absolute URL valid for `ttlSeconds` (default DOWNLOAD_URL_TTL_SECONDS). */
  sign(key: string, opts?: { ttlSeconds?: number; fileName?: string }): string;
  /** Checks the query of a download request; throws FORBIDDEN when tampered, incomplete or expired. */
  verify(query: Record<string, unknown>): { key: string; fileName: string | undefined };
};

export function createDownloadUrlSigner(options: {
  publicUrl: string;
  secret: string;
  defaultTtlSeconds: number;
  /** Clock in milliseconds; injectable for tests. */
  now?: () => number;
}): DownloadUrlSigner {
  const now = options.now ?? Date.now;
  const mac = (key: string, expires: string, name: string) =>
    crypto.createHmac('sha256', options.secret).update(`v1\n${key}\n${expires}\n${name}`).digest('base64url');

  return {
    sign(key, opts = {}) {
      const ttl = resolveTtlSeconds(opts.ttlSeconds, options.defaultTtlSeconds);
      const expires = String(Math.floor(now() / 1000) + ttl);
      const params = new URLSearchParams({ key, expires });
      if (opts.fileName !== undefined) params.set('name', opts.fileName);
      params.set('sig', mac(key, expires, opts.fileName ?? ''));
      return `${options.publicUrl}/api${DOWNLOAD_ROUTE_PATH}?${params.toString()}`;
    },
    verify(query) {
      const { key, expires, sig, name } = query;
      const invalid = () => new AppError('FORBIDDEN', 'Invalid download link');
      if (typeof key !== 'string' || typeof expires !== 'string' || typeof sig !== 'string') throw invalid();
      if (name !== undefined && typeof name !== 'string') throw invalid();
      if (!/^\d{1,12}$/.test(expires)) throw invalid();
      if (!constantTimeEqual(sig, mac(key, expires, name ?? ''))) throw invalid();
      if (Number(expires) * 1000 <= now()) throw new AppError('FORBIDDEN', 'This download link has expired');
      return { key, fileName: name };
    },
  };
}

/**
 * DOWNLOAD_URL_SECRET, or a random key generated once into DATA_DIR/secrets/download-url.key (mode
 * 0600) and read back on later starts. Creation is atomic (write a temp file, then link), so
 * concurrent starts agree on one key and never read a half-written file.
 */
export function resolveDownloadUrlSecret(config: Pick<Config, 'dataDir' | 'downloadUrl'>): string {
  if (config.downloadUrl.secret) return config.downloadUrl.secret;
  return readOrCreateSecretFile(config.dataDir, 'download-url').value;
}
