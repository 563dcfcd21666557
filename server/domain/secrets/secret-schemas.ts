// Input schemas of app secrets, shared by REST, tRPC and the web forms (pure zod, no other imports).
// Messages name keys and limits, never values: zod errors end up in 400 bodies.
import { z } from 'zod';

/** Secret names as `pixell secrets` validates them. */
export const SECRET_KEY_PATTERN = /^[A-Z0-9_]+$/;
export const SECRET_KEY_MAX_LENGTH = 256;
/** Values up to 64 KiB (UTF-8 bytes). */
export const SECRET_VALUE_MAX_BYTES = 64 * 1024;
export const MAX_SECRETS_PER_APP = 200;

const utf8Length = (s: string) => new TextEncoder().encode(s).length;

export const secretKey = z
  .string({ message: 'Secret key must be a string' })
  .min(1, 'Secret key is required')
  .max(SECRET_KEY_MAX_LENGTH, `Secret key must be at most ${SECRET_KEY_MAX_LENGTH} characters`)
  .regex(SECRET_KEY_PATTERN, 'Secret keys may only contain uppercase letters, digits and underscores (^[A-Z0-9_]+$)');

export const secretValue = z
  .string({ message: 'Secret value must be a string' })
  .refine((v) => v.length <= SECRET_VALUE_MAX_BYTES && utf8Length(v) <= SECRET_VALUE_MAX_BYTES, `Secret value must be at most ${SECRET_VALUE_MAX_BYTES} bytes (64 KiB)`);

/** A whole set of secrets, KEY -> VALUE. */
export const secretMap = z
  .record(secretKey, secretValue, {
    error: (issue) => {
      if (issue.code === 'invalid_type') return 'secrets must be a JSON object mapping keys to string values';
      // A bad key: say what is wrong with it (the key's own message), not that the object is bad.
      if (issue.code === 'invalid_key') return issue.issues.map((i) => i.message).join('; ');
      return undefined;
    },
  })
  .refine((m) => Object.keys(m).length <= MAX_SECRETS_PER_APP, `An agent app can have at most ${MAX_SECRETS_PER_APP} secrets`);

/** POST /api/agent-apps/:id/secrets — replaces the whole set. */
export const replaceSecretsBody = z.object({ secrets: secretMap });
/** PUT /api/agent-apps/:id/secrets/:key */
export const setSecretBody = z.object({ value: secretValue });
/** GET /api/agent-apps/:id/secrets?names_only=true */
export const listSecretsQuery = z.object({
  names_only: z
    .enum(['true', 'false', '1', '0', ''], { message: 'names_only must be true or false' })
    .optional()
    .transform((v) => v === 'true' || v === '1'),
});

// tRPC (camelCase)
export const secretsAppInput = z.object({ appId: z.string() });
export const setSecretInput = z.object({ appId: z.string(), key: secretKey, value: secretValue });
/** Bulk paste: `KEY=VALUE` lines (dotenv syntax: comments, `export`, quotes); existing other keys stay. */
export const setManySecretsInput = z.object({
  appId: z.string(),
  text: z.string().max(1024 * 1024, 'The pasted text is too long (1 MiB at most)'),
});
export const deleteSecretInput = z.object({ appId: z.string(), key: z.string() });

export type SecretMap = z.infer<typeof secretMap>;
