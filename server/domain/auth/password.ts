// Password hashing with argon2id (@node-rs/argon2: prebuilt, no install scripts).
import { hash, verify } from '@node-rs/argon2';

// The rules for a new password live with the other input schemas (shared with the SPA).
export { passwordSchema } from './auth-schemas.ts';

// OWASP-recommended argon2id parameters (19 MiB, 2 iterations, 1 lane).
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** A fixed hash to verify against when the user does not exist, so timing does not reveal it. */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword('pixell-dummy-password-for-timing');
  return dummyHash;
}
