import { describe, expect, it } from 'vitest';
import { serializeWebhookPayload, testWebhookPayload, webhookPayload } from './webhook-payload.ts';
import { WEBHOOK_MAX_ATTEMPTS, webhookRetryDelayMs } from './retry-schedule.ts';

describe('webhook payloads', () => {
  it('serializes in the documented key order whatever order the stored jsonb has', () => {
    const stored = {
      data: { s3_url: null, status: 'failed', error: 'boom', version: '1.2.0', package_id: 'p', agent_app_id: 'a', deployment_id: 'd', duration_seconds: 3 },
      timestamp: '2024-01-01T00:05:00.000Z',
      event: 'deployment.failed',
    };
    expect(serializeWebhookPayload(stored)).toBe(
      '{"event":"deployment.failed","timestamp":"2024-01-01T00:05:00.000Z","data":{"deployment_id":"d","agent_app_id":"a","package_id":"p","version":"1.2.0","status":"failed","duration_seconds":3,"s3_url":null,"error":"boom"}}',
    );
  });

  it('builds {event, timestamp, data} and marks test events', () => {
    const at = new Date('2024-01-01T00:05:00Z');
    expect(webhookPayload('deployment.queued', { deployment_id: 'd' }, at)).toEqual({ event: 'deployment.queued', timestamp: '2024-01-01T00:05:00.000Z', data: { deployment_id: 'd' } });
    const test = testWebhookPayload('app-1', at);
    expect(test).toMatchObject({ event: 'deployment.completed', test: true, data: { agent_app_id: 'app-1', status: 'completed' } });
    expect(Object.keys(JSON.parse(serializeWebhookPayload(test)))).toEqual(['event', 'timestamp', 'test', 'data']);
  });
});

describe('retry schedule', () => {
  it('doubles from 10 s with ±20 % jitter and caps at one hour', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => webhookRetryDelayMs(n, () => 0.5))).toEqual([10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 640_000, 1_280_000]);
    expect(webhookRetryDelayMs(1, () => 0)).toBe(8_000);
    expect(webhookRetryDelayMs(1, () => 1)).toBe(12_000);
    expect(webhookRetryDelayMs(12, () => 1)).toBe(3_600_000);
    expect(webhookRetryDelayMs(30, () => 0)).toBe(3_600_000);
    expect(WEBHOOK_MAX_ATTEMPTS).toBe(8);
  });
});
