import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUserFixture, startTestApp, type TestApp } from '../test/harness.ts';

describe('GET /metrics', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ METRICS_TOKEN: 'metrics-secret-token' });
  });
  afterAll(() => t.close());

  it('needs METRICS_TOKEN when it is set', async () => {
    expect((await t.request('/metrics')).status).toBe(401);
    expect((await t.request('/metrics', { token: 'wrong' })).status).toBe(401);
  });

  it('reports requests by route pattern and status, and the queue and credit gauges', async () => {
    const user = await createUserFixture(t);
    await t.request('/api/agent-apps/00000000-0000-4000-8000-000000000000', { token: user.token });
    await t.request('/api/health');
    const res = await t.request('/metrics', { token: 'metrics-secret-token' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(res.text).toMatch(/pixell_http_requests_total\{method="GET",route="\/api\/agent-apps\/:id",status="404"\} 1/);
    expect(res.text).toMatch(/pixell_http_requests_total\{method="GET",route="\/api\/health",status="200"\} 1/);
    expect(res.text).toContain('pixell_http_request_duration_seconds_bucket');
    expect(res.text).toMatch(/pixell_deployment_queue_depth\{state="queued"\} 0/);
    expect(res.text).toMatch(/pixell_credits_total\{kind="purchased"\} 0/);
    expect(res.text).not.toContain('00000000-0000-4000-8000-000000000000');
  });
});
