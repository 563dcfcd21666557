// multipart/form-data for package uploads, parsed with busboy as the bytes arrive. The `file` part
// is handed to `onFile` as a stream (never buffered); other parts are small fields; `signature` is a
// small file part kept in memory (64 KiB at most). Over `maxFileBytes` → 413 and the body is not
// read any further.
import busboy from 'busboy';
import type { Request } from 'express';
import type { Readable } from 'node:stream';
import { AppError } from '../domain/errors.ts';

export type UploadForm<T> = { fields: Record<string, string>; file: T | undefined; signature: Buffer | undefined };

const MAX_FIELD_BYTES = 256 * 1024;
const MAX_SIGNATURE_BYTES = 64 * 1024;

export function tooLarge(maxBytes: number) {
  return new AppError('PAYLOAD_TOO_LARGE', `Package is larger than the ${Math.floor(maxBytes / (1024 * 1024))} MiB limit`, {
    details: { max_bytes: maxBytes },
  });
}

export function parseUploadForm<T>(
  req: Request,
  opts: { maxFileBytes: number; onFile: (stream: Readable, info: { filename: string; mimeType: string }) => Promise<T> },
): Promise<UploadForm<T>> {
  const type = req.get('content-type') ?? '';
  if (!type.toLowerCase().startsWith('multipart/form-data')) {
    return Promise.reject(new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the package as multipart/form-data with a "file" part'));
  }
  const declared = Number(req.get('content-length'));
  if (Number.isFinite(declared) && declared > opts.maxFileBytes + 1024 * 1024) return Promise.reject(tooLarge(opts.maxFileBytes));

  return new Promise((resolve, reject) => {
    let settled = false;
    const fields: Record<string, string> = {};
    let filePromise: Promise<T> | undefined;
    let signature: Buffer | undefined;
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: req.headers, limits: { fileSize: opts.maxFileBytes, files: 2, fields: 20, fieldSize: MAX_FIELD_BYTES, parts: 30 } });
    } catch {
      reject(new AppError('VALIDATION_ERROR', 'Malformed multipart/form-data request', { details: ['Invalid multipart boundary'] }));
      return;
    }
    const fail = (err: AppError) => {
      if (settled) return;
      settled = true;
      req.unpipe(bb);
      // No more bytes reach busboy: end the part being received (its stream errors), or its consumer
      // would wait for the rest forever, holding a half-written file.
      bb.destroy();
      reject(err);
    };

    bb.on('field', (name, value, info) => {
      if (info.valueTruncated) return fail(new AppError('VALIDATION_ERROR', 'Invalid request', { details: [`Field "${name}" is too long`] }));
      fields[name] = value;
    });
    bb.on('file', (name, stream, info) => {
      // A body cut off inside a part errors the part's stream too (busboy destroys it with the
      // error it reports on `bb` below). Until a consumer's pipeline listens (storage may first
      // create a folder), nothing would: an uncaught exception that takes the process down.
      stream.on('error', () => undefined);
      if (name === 'file' && !filePromise) {
        stream.on('limit', () => fail(tooLarge(opts.maxFileBytes)));
        filePromise = opts.onFile(stream, { filename: info.filename ?? '', mimeType: info.mimeType });
        filePromise.catch(() => undefined);
      } else if (name === 'signature' && !signature) {
        const chunks: Buffer[] = [];
        let size = 0;
        stream.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_SIGNATURE_BYTES) return fail(new AppError('VALIDATION_ERROR', 'Invalid request', { details: ['The signature file is too large'] }));
          chunks.push(c);
        });
        stream.on('end', () => {
          signature = Buffer.concat(chunks);
        });
      } else {
        stream.resume();
      }
    });
    bb.on('partsLimit', () => fail(new AppError('VALIDATION_ERROR', 'Too many form parts')));
    bb.on('error', () => fail(new AppError('VALIDATION_ERROR', 'Malformed multipart/form-data request', { details: ['The upload was cut off or is not valid multipart'] })));
    bb.on('close', () => {
      if (settled) return;
      if (!filePromise) {
        settled = true;
        resolve({ fields, file: undefined, signature });
        return;
      }
      filePromise.then(
        (file) => {
          if (settled) return;
          settled = true;
          resolve({ fields, file, signature });
        },
        (err: unknown) => {
          if (settled) return;
          settled = true;
          reject(err);
        },
      );
    });
    req.on('aborted', () => fail(new AppError('VALIDATION_ERROR', 'The upload was interrupted')));
    req.pipe(bb);
  });
}
