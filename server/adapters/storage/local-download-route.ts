// GET /storage/download (mounted under /api): serves a local-storage object to whoever holds a signed
// link from LocalStorage.signedUrl, without a session. Tampered, incomplete or expired links are 403
// FORBIDDEN; a missing object is 404. The file is streamed with its Content-Length as an attachment.
// A single `Range: bytes=…` is honoured (206) so interrupted downloads can resume; other ranges are
// ignored and the whole file is sent. In S3 mode downloads go to presigned S3 URLs and this route is 404.
import express, { type Request, type Response, type Router } from 'express';
import { pipeline } from 'node:stream/promises';
import type { Config } from '../../config.ts';
import { AppError } from '../../domain/errors.ts';
import { sendError } from '../../http/errors.ts';
import { attachmentDisposition } from './content-disposition.ts';
import { createDownloadUrlSigner, DOWNLOAD_ROUTE_PATH, resolveDownloadUrlSecret } from './download-url-signer.ts';
import { keyBaseName, type ByteRange, type StorageAdapter } from './storage-adapter.ts';

export function localDownloadRoutes(storage: StorageAdapter, config: Config): Router {
  const router = express.Router();
  const signer =
    storage.kind === 'local'
      ? createDownloadUrlSigner({
          publicUrl: config.publicUrl,
          secret: resolveDownloadUrlSecret(config),
          defaultTtlSeconds: config.downloadUrl.ttlSeconds,
        })
      : undefined;

  router.get(DOWNLOAD_ROUTE_PATH, async (req: Request, res: Response) => {
    try {
      if (!signer) throw new AppError('NOT_FOUND', `No route for ${req.method} ${req.originalUrl.split('?')[0]}`);
      const { key, fileName } = signer.verify(req.query as Record<string, unknown>);
      const head = await storage.head(key);
      if (!head) throw new AppError('NOT_FOUND', 'File not found');
      const range = parseSingleRange(req.get('range'), head.size);
      const stream = await storage.get(key, range);

      res.setHeader('Content-Type', 'application/octet-stream');
      res.setHeader('Content-Disposition', attachmentDisposition(fileName ?? keyBaseName(key)));
      res.setHeader('Cache-Control', 'private, no-store');
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Accept-Ranges', 'bytes');
      if (range) {
        res.status(206);
        res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${head.size}`);
        res.setHeader('Content-Length', String(range.end - range.start + 1));
      } else {
        res.setHeader('Content-Length', String(head.size));
      }
      // pipeline destroys the response if the file cannot be read to the end, so a client never
      // mistakes a truncated body for a whole one.
      await pipeline(stream, res).catch((err: unknown) => {
        if ((err as NodeJS.ErrnoException)?.code !== 'ERR_STREAM_PREMATURE_CLOSE') req.log?.warn({ err, key }, 'download stream failed');
      });
    } catch (err) {
      if (err instanceof AppError && !res.headersSent) return sendError(res, err);
      throw err;
    }
  });
  return router;
}

/** `bytes=a-b`, `bytes=a-` or `bytes=-n` within the file; anything else (several ranges, out of bounds) → whole file. */
export function parseSingleRange(header: string | undefined, size: number): ByteRange | undefined {
  if (!header || size === 0) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return undefined;
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start > end || start >= size) return undefined;
  return { start, end };
}
