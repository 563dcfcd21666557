// POST /api/usage/export in S3 mode: the rows are streamed into the bucket and the answer is a
// presigned GET (no cookie, Content-Disposition attachment).
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { S3Storage } from '../adapters/storage/s3-storage.ts';
import { S3RVER_CREDENTIALS, startS3rver } from '../adapters/storage/storage-test-support.ts';
import { createUserFixture, startTestApp, type Fixture, type TestApp } from '../test/harness.ts';

const RUNTIME_TOKEN = 'runtime-token-for-s3-export-tests-0123';
let t: TestApp;
let s3: Awaited<ReturnType<typeof startS3rver>>;
let owner: Fixture;
let appId: string;

beforeAll(async () => {
  s3 = await startS3rver();
  t = await startTestApp({
    RUNTIME_TOKEN,
    S3_BUCKET: 'pixell-exports',
    S3_ENDPOINT: s3.endpoint,
    S3_FORCE_PATH_STYLE: 'true',
    S3_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
    S3_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
  });
  await (t.services.adapters.storage as S3Storage).client.send(new CreateBucketCommand({ Bucket: 'pixell-exports' }));
  owner = await createUserFixture(t, { credits: 100 });
  appId = (await t.request('/api/agent-apps', { method: 'POST', token: owner.token, json: { name: 'Cloud Bot' } })).body.app.id;
  for (let i = 0; i < 3; i++) {
    const res = await t.request('/api/usage/events', {
      method: 'POST',
      token: RUNTIME_TOKEN,
      json: { agent_app_id: appId, type: 'invocation', count: i + 1, credits: 1, occurred_at: `2024-05-0${i + 1}T08:00:00.000Z`, event_id: `s3-${i}` },
    });
    expect(res.status).toBe(201);
  }
});
afterAll(async () => {
  (t.services.adapters.storage as S3Storage).close();
  await t.close();
  await s3.close();
});

describe('usage export with S3 storage', () => {
  it('answers a presigned URL that serves the CSV as an attachment without a cookie', async () => {
    const res = await t.request('/api/usage/export', { method: 'POST', token: owner.token, json: { format: 'csv', startDate: '2024-05-01', endDate: '2024-05-02' } });
    expect(res.status).toBe(200);
    const url = new URL(res.body.downloadUrl);
    expect(url.origin).toBe(s3.endpoint);
    // A SigV4 presigned GET valid for EXPORT_URL_TTL_SECONDS (S3 itself refuses it once tampered or expired).
    expect(url.searchParams.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('86400');
    const file = await fetch(url);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-disposition')).toBe('attachment; filename="pixell-usage-2024-05-01-to-2024-05-02.csv"');
    expect(await file.text()).toBe(
      [
        'occurred_at,type,agent_app_id,agent_app_name,description,quantity,credits',
        `2024-05-01T08:00:00.000Z,invocation,${appId},Cloud Bot,Agent 'Cloud Bot' invoked,1,1`,
        `2024-05-02T08:00:00.000Z,invocation,${appId},Cloud Bot,Agent 'Cloud Bot' invoked 2 times,2,1`,
        '',
      ].join('\r\n'),
    );
  });
});
