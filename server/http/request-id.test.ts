import { describe, expect, it } from 'vitest';
import { redactPath } from './request-id.ts';

describe('redactPath', () => {
  it('drops the query string and replaces token-like segments, keeping ids and words', () => {
    expect(redactPath('/api/invitations/Zx8_kq2Lw9vB1mN4pR7tY0uI3oP6aS5d?x=secret')).toBe('/api/invitations/[redacted]');
    expect(redactPath('/api/agent-apps/0b6f7d1e-8c2a-4d9e-9f1a-2b3c4d5e6f70/packages')).toBe('/api/agent-apps/0b6f7d1e-8c2a-4d9e-9f1a-2b3c4d5e6f70/packages');
    expect(redactPath('/api/organizations/current')).toBe('/api/organizations/current');
  });
});
