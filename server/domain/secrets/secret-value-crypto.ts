// Encryption of one app secret value. The plaintext binds the value to its app and key
// (`{"a": appId, "k": key, "v": value}`), so a ciphertext copied onto another row (another app, or
// another key) fails to decrypt instead of handing the wrong value to a runtime.
import type { SecretBox } from '../crypto/secret-box.ts';

export function encryptSecretValue(box: SecretBox, appId: string, key: string, value: string): string {
  return box.encrypt(JSON.stringify({ a: appId, k: key, v: value }));
}

export function decryptSecretValue(box: SecretBox, row: { appId: string; key: string; valueEncrypted: string }): string {
  let parsed: { a?: unknown; k?: unknown; v?: unknown };
  try {
    parsed = JSON.parse(box.decrypt(row.valueEncrypted)) as typeof parsed;
  } catch (err) {
    // The SecretBox error names a key id at most; never the value.
    throw new Error(`Secret ${row.key} cannot be decrypted: ${err instanceof Error ? err.message : 'unknown error'}`, { cause: err });
  }
  if (parsed.a !== row.appId || parsed.k !== row.key || typeof parsed.v !== 'string') {
    throw new Error(`Secret ${row.key} cannot be decrypted: the stored value belongs to another app or key`);
  }
  return parsed.v;
}
