import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUserFixture, startTestApp, type Fixture, type TestApp } from '../test/harness.ts';

describe('CSRF origin check', () => {
  let t: TestApp;
  let user: Fixture;
  beforeAll(async () => {
    t = await startTestApp();
    user = await createUserFixture(t);
  });
  afterAll(() => t.close());

  it('refuses a cookie-authenticated POST from a foreign Origin with 403', async () => {
    const res = await t.request('/api/some-mutation', { method: 'POST', cookie: user.token, headers: { origin: 'https://evil.example' }, json: {} });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ error: expect.any(String), code: 'CSRF_REJECTED' });
  });

  it('refuses a foreign Referer when there is no Origin, and DELETE/PATCH as well', async () => {
    for (const method of ['DELETE', 'PATCH', 'PUT']) {
      const res = await t.request('/api/some-mutation', { method, cookie: user.token, headers: { referer: 'https://evil.example/page' } });
      expect(res.status).toBe(403);
    }
  });

  it('lets same-origin cookie requests through to routing', async () => {
    const res = await t.request('/api/some-mutation', { method: 'POST', cookie: user.token, headers: { origin: t.origin }, json: {} });
    expect(res.status).toBe(404);
  });

  it('does not apply to Bearer-authenticated requests', async () => {
    const res = await t.request('/api/some-mutation', { method: 'POST', token: user.token, headers: { origin: 'https://evil.example' }, json: {} });
    expect(res.status).toBe(404);
  });

  it('does not apply to safe methods', async () => {
    const res = await t.request('/api/health', { cookie: user.token, headers: { origin: 'https://evil.example' } });
    expect(res.status).toBe(200);
  });
});
