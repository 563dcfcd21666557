// Input schemas for agent apps, shared by REST, tRPC and the web forms.
import { z } from 'zod';

export const appName = z.string().trim().min(1, 'Name is required').max(100, 'Name must be at most 100 characters');
export const appDescription = z.string().trim().max(2000, 'Description must be at most 2000 characters');

export const createAppInput = z.object({
  name: appName,
  description: appDescription.optional().default(''),
  is_public: z.boolean().optional().default(false),
});

/** Armoured OpenPGP public keys; when an app has any, every deploy must be signed by one of them. */
export const trustedPublicKeys = z
  .array(z.string().trim().startsWith('-----BEGIN PGP PUBLIC KEY BLOCK-----', 'Each key must be an ASCII-armoured OpenPGP public key').max(64 * 1024))
  .max(10, 'At most 10 trusted keys');

export const updateAppInput = z
  .object({
    name: appName.optional(),
    description: appDescription.optional(),
    is_public: z.boolean().optional(),
    trusted_public_keys: trustedPublicKeys.optional(),
  })
  .refine((v) => v.name !== undefined || v.description !== undefined || v.is_public !== undefined || v.trusted_public_keys !== undefined, {
    message: 'Nothing to update: send name, description, is_public or trusted_public_keys',
  });

export const appIdInput = z.object({ id: z.string() });

export type CreateAppInput = z.infer<typeof createAppInput>;
export type UpdateAppInput = z.infer<typeof updateAppInput>;
