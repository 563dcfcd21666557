// Section 5 of rest-api.md: packages (server/rest/packages.ts, shape in server/rest/packages-shape.ts).
import { z } from 'zod';
import { packageFormFields } from '../../../domain/packages/package-schemas.ts';
import { count, id, messageBody, timestamp } from '../common-schemas.ts';
import type { MultipartDoc, RouteDoc } from '../route-doc.ts';

const tags = ['Packages'];

export const packageSchema = z
  .strictObject({
    id,
    version: z.string(),
    s3_url: z.string().describe('Downloads the package without a session for DOWNLOAD_URL_TTL_SECONDS (S3 presigned, or a signed /api/storage/download link).'),
    size: count.describe('Bytes.'),
    sha256: z.string(),
    release_notes: z.string().nullable(),
    signature_status: z.enum(['none', 'unverified', 'verified']),
    warnings: z.array(z.string()),
    created_at: timestamp,
  })
  .meta({ id: 'Package' });

const uploadForm: MultipartDoc = {
  fields: packageFormFields,
  files: {
    file: { description: 'The .apkg archive (its file name is ignored).', required: true },
    signature: { description: 'Detached OpenPGP signature of the archive (required when the app has trusted keys).', required: false },
  },
};

const uploadErrors = {
  400: 'Invalid form, or package validation failed (PACKAGE_VALIDATION_FAILED with one message per problem in `details`, including `Version already exists` and signature problems).',
  404: 'No such app in the organization.',
  413: 'The package is larger than MAX_PACKAGE_BYTES (the connection is closed).',
  415: 'Not multipart/form-data.',
};

export const packageRouteDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/api/agent-apps/:id/packages',
    operationId: 'uploadPackage',
    summary: 'Upload a package (without deploying it)',
    description:
      'multipart/form-data, streamed to storage while hashed; field order does not matter. `version` defaults to the package’s `metadata.version` and must equal it.',
    tags,
    auth: 'apiKeyOrSession',
    role: 'member',
    request: { multipart: uploadForm },
    responses: {
      201: { description: 'Stored.', schema: z.strictObject({ package: packageSchema, warnings: z.array(z.string()) }) },
    },
    errors: uploadErrors,
  },
  {
    method: 'post',
    path: '/api/agent-apps/:id/packages/deploy',
    operationId: 'deployPackage',
    summary: 'Upload a package and queue its deployment',
    description:
      'Order of checks: app (404) → size (413) → validation (400) → signature → version exists (400) → credits (402). Cost: `max(1, ceil(size / 1 MiB))` credits, reserved now and refunded if the deployment fails. `environment` is a JSON object of strings stored encrypted with the deployment; `force_overwrite=true` replaces the package of that version.',
    tags,
    auth: 'apiKeyOrSession',
    role: 'member',
    request: { multipart: uploadForm },
    responses: {
      202: {
        description: 'Deployment queued.',
        schema: z.strictObject({
          deployment: z.strictObject({
            id,
            status: z.literal('queued'),
            message: z.string(),
            queued_at: timestamp,
            estimated_duration_seconds: count,
            credits_reserved: count,
          }),
          package: z.strictObject({ id, version: z.string(), size_bytes: count, status: z.literal('uploaded'), sha256: z.string() }),
          tracking: z.strictObject({ status_url: z.string(), events_url: z.string(), webhook_url: z.string() }),
          warnings: z.array(z.string()),
        }),
      },
    },
    errors: { ...uploadErrors, 402: 'Insufficient credits.', 409: '`force_overwrite` while that package is being deployed.' },
  },
  {
    method: 'get',
    path: '/api/agent-apps/:id/packages',
    operationId: 'listPackages',
    summary: 'Packages of an agent app, newest first',
    tags,
    auth: 'apiKeyOrSession',
    role: 'member',
    responses: { 200: { description: 'The packages.', schema: z.strictObject({ packages: z.array(packageSchema) }) } },
    errors: { 404: 'No such app in the organization.' },
  },
  {
    method: 'delete',
    path: '/api/agent-apps/:id/packages/:packageId',
    operationId: 'deletePackage',
    summary: 'Delete a package and its stored file',
    tags,
    auth: 'apiKeyOrSession',
    role: 'member',
    responses: { 200: { description: 'Deleted.', schema: messageBody } },
    errors: { 404: 'No such app or package.', 409: 'The package is live or being deployed.' },
  },
];
