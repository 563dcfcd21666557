// A new API key secret: `pac_` + 40 base62 characters from a CSPRNG (~238 bits). Only its SHA-256
// and a preview (`pac_` + the next 8 characters + `…`) are stored.
import { randomBase62, sha256Hex } from '../tokens.ts';

export const API_KEY_PREFIX = 'pac_';

export function generateApiKey(): { key: string; keyHash: string; keyPreview: string } {
  const key = API_KEY_PREFIX + randomBase62(40);
  return { key, keyHash: sha256Hex(key), keyPreview: `${key.slice(0, API_KEY_PREFIX.length + 8)}…` };
}
