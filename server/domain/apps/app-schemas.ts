// Input schemas for agent apps, shared by REST, tRPC and the web forms.
import { z } from 'zod';

export const appName = z.string().trim().min(1, 'Name is required').max(100, 'Name must be at most 100 characters');
export const appDescription = z.string().trim().max(2000, 'Description must be at most 2000 characters');

export const createAppInput = z.object({
  name: appName,
  description: appDescription.optional().default(''),
  is_public: z.boolean().optional().default(false),
});

export const updateAppInput = z
  .object({
    name: appName.optional(),
    description: appDescription.optional(),
    is_public: z.boolean().optional(),
  })
  .refine((v) => v.name !== undefined || v.description !== undefined || v.is_public !== undefined, {
    message: 'Nothing to update: send name, description or is_public',
  });

export const appIdInput = z.object({ id: z.string() });

export type CreateAppInput = z.infer<typeof createAppInput>;
export type UpdateAppInput = z.infer<typeof updateAppInput>;
