import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSecretBox } from './secret-box.ts';

const newKey = () => crypto.randomBytes(32).toString('base64');

describe('secret box (AES-256-GCM)', () => {
  it('round-trips and never contains the plaintext', () => {
    const box = createSecretBox(newKey());
    const c = box.encrypt('sk-live-very-secret');
    expect(c).not.toContain('sk-live-very-secret');
    expect(box.decrypt(c)).toBe('sk-live-very-secret');
    expect(box.encrypt('same')).not.toBe(box.encrypt('same'));
  });

  it('detects tampering', () => {
    const box = createSecretBox(newKey());
    const parts = box.encrypt('value').split(':');
    parts[4] = Buffer.from('other').toString('base64url');
    expect(() => box.decrypt(parts.join(':'))).toThrow();
  });

  it('reads values of a previous key during rotation and flags them for re-encryption', () => {
    const oldKey = newKey();
    const oldBox = createSecretBox(oldKey);
    const c = oldBox.encrypt('rotating');
    const rotated = createSecretBox(newKey(), [oldKey]);
    expect(rotated.decrypt(c)).toBe('rotating');
    expect(rotated.needsReencryption(c)).toBe(true);
    expect(rotated.needsReencryption(rotated.encrypt('x'))).toBe(false);
    expect(() => createSecretBox(newKey()).decrypt(c)).toThrow(/No decryption key/);
  });
});
