import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildWebhookRequest, signWebhookPayload, verifyWebhookSignature } from './webhook-signature.ts';

const secret = 'whsec_test_secret_0123456789';
const body = '{"event":"deployment.completed","timestamp":"2024-01-01T00:05:00.000Z","data":{"deployment_id":"d"}}';

describe('webhook signatures', () => {
  it('signs t=<seconds>,v1=<hex HMAC-SHA256(secret, "t.body")>', () => {
    const header = signWebhookPayload(secret, body, 1_700_000_000);
    const expected = crypto.createHmac('sha256', secret).update(`1700000000.${body}`).digest('hex');
    expect(header).toBe(`t=1700000000,v1=${expected}`);
  });

  it('verifies its own signature within the tolerance, for strings and buffers', () => {
    const header = signWebhookPayload(secret, body, 1_700_000_000);
    expect(verifyWebhookSignature(secret, header, body, 300, 1_700_000_000)).toBe(true);
    expect(verifyWebhookSignature(secret, header, Buffer.from(body), 300, 1_700_000_299)).toBe(true);
    expect(verifyWebhookSignature(secret, header, body, 300, 1_699_999_750)).toBe(true);
  });

  it('refuses stale or future timestamps, other secrets, changed bodies and malformed headers', () => {
    const header = signWebhookPayload(secret, body, 1_700_000_000);
    expect(verifyWebhookSignature(secret, header, body, 300, 1_700_000_301)).toBe(false);
    expect(verifyWebhookSignature(secret, header, body, 300, 1_699_999_699)).toBe(false);
    expect(verifyWebhookSignature('whsec_other_secret_000000', header, body, 300, 1_700_000_000)).toBe(false);
    expect(verifyWebhookSignature(secret, header, `${body} `, 300, 1_700_000_000)).toBe(false);
    for (const bad of [undefined, null, '', 'garbage', 't=1700000000', `v1=${'a'.repeat(64)}`, 't=abc,v1=00', `t=1700000000,v1=${'z'.repeat(64)}`]) {
      expect(verifyWebhookSignature(secret, bad, body, 300, 1_700_000_000)).toBe(false);
    }
  });

  it('accepts a header carrying several v1 signatures when one matches (secret rotation)', () => {
    const good = signWebhookPayload(secret, body, 1_700_000_000).split(',')[1];
    const header = `t=1700000000,v1=${'0'.repeat(64)},${good}`;
    expect(verifyWebhookSignature(secret, header, body, 300, 1_700_000_000)).toBe(true);
  });

  it('builds the documented headers', () => {
    const req = buildWebhookRequest({ deliveryId: 'del-1', event: 'deployment.failed', body, secret, timestampSeconds: 1_700_000_000 });
    expect(req.body).toBe(body);
    expect(req.headers).toEqual({
      'Content-Type': 'application/json',
      'User-Agent': 'PixellAgentCloud-Webhooks/1.0',
      'X-Pixell-Event': 'deployment.failed',
      'X-Pixell-Delivery': 'del-1',
      'X-Pixell-Signature': signWebhookPayload(secret, body, 1_700_000_000),
    });
  });
});
