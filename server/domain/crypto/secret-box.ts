// AES-256-GCM encryption of secrets at rest (webhook signing secrets, deploy-time environment, app
// secrets). Ciphertext format: "v1:<key id>:<iv b64url>:<tag b64url>:<data b64url>". The key id (first
// 8 hex chars of SHA-256 of the key) lets old ciphertexts be read while keys rotate:
// SECRETS_ENCRYPTION_KEY encrypts, SECRETS_ENCRYPTION_PREVIOUS_KEYS still decrypt.
import crypto from 'node:crypto';

export type SecretBox = {
  encrypt(plaintext: string): string;
  decrypt(ciphertext: string): string;
  /** True when the value was encrypted with an older key (re-encrypt to finish a rotation). */
  needsReencryption(ciphertext: string): boolean;
};

function parseKey(encoded: string): Buffer {
  const key = Buffer.from(encoded.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (key.length !== 32) throw new Error('An encryption key must be 32 bytes (base64-encoded)');
  return key;
}

const keyId = (key: Buffer) => crypto.createHash('sha256').update(key).digest('hex').slice(0, 8);

export function createSecretBox(currentKey: string, previousKeys: string[] = []): SecretBox {
  const current = parseKey(currentKey);
  const currentId = keyId(current);
  const keys = new Map<string, Buffer>([[currentId, current]]);
  for (const k of previousKeys) {
    const buf = parseKey(k);
    keys.set(keyId(buf), buf);
  }
  return {
    encrypt(plaintext) {
      const iv = crypto.randomBytes(12);
      const cipher = crypto.createCipheriv('aes-256-gcm', current, iv);
      const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return ['v1', currentId, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join(':');
    },
    decrypt(ciphertext) {
      const [version, id, iv, tag, data] = ciphertext.split(':');
      if (version !== 'v1' || !id || !iv || !tag || data === undefined) throw new Error('Unrecognised ciphertext');
      const key = keys.get(id);
      if (!key) throw new Error(`No decryption key with id ${id} is configured (SECRETS_ENCRYPTION_PREVIOUS_KEYS?)`);
      const decipher = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
    },
    needsReencryption(ciphertext) {
      return ciphertext.split(':')[1] !== currentId;
    },
  };
}
