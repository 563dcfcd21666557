// Signed downloads of local storage (server/adapters/storage/local-download-route.ts), mounted only
// when S3_BUCKET is unset.
import { z } from 'zod';
import type { RouteDoc } from '../route-doc.ts';

export const storageRouteDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/storage/download',
    operationId: 'downloadStoredFile',
    summary: 'Download a file through a signed link (`s3_url` of a package, usage exports) in local storage mode',
    description: 'Needs no session: the HMAC signature over key, expiry and file name is the authorization. Honours a single `Range: bytes=…`.',
    tags: ['Storage'],
    auth: 'signedUrl',
    request: {
      query: z.object({
        key: z.string().describe('Storage key.'),
        expires: z.string().regex(/^\d{1,12}$/).describe('Unix seconds.'),
        sig: z.string().describe('base64url HMAC-SHA256.'),
        name: z.string().optional().describe('File name offered to the browser.'),
      }),
      headers: { Range: { description: 'A single `bytes=a-b`, `bytes=a-` or `bytes=-n` range.' } },
    },
    responses: {
      200: { description: 'The file.', contentType: 'application/octet-stream', format: 'binary' },
      206: { description: 'The requested range.', contentType: 'application/octet-stream', format: 'binary' },
    },
    errors: { 403: 'Tampered, incomplete or expired link.', 404: 'The file is gone.' },
    mountedWhen: { description: 'local storage (S3_BUCKET unset)', test: (_config, services) => services.adapters.storage.kind === 'local' },
  },
];
