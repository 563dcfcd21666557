// Fields of the package upload/deploy form (multipart), as `pixell deploy` sends them.
import { z } from 'zod';

export const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const environmentField = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'environment must be a JSON object of strings' });
      return z.NEVER;
    }
  })
  .pipe(
    z
      .record(z.string().regex(ENV_KEY, 'Environment variable names use letters, digits and _ and do not start with a digit').max(256), z.string().max(64 * 1024), {
        error: (issue) => {
          if (issue.code === 'invalid_key') return issue.issues.map((i) => i.message).join('; ');
          return 'environment must be a JSON object of strings';
        },
      })
      .refine((env) => Object.keys(env).length <= 200, 'At most 200 environment variables'),
  );

export const packageFormFields = z.object({
  version: z.string().trim().min(1).max(64).optional(),
  release_notes: z.string().max(10_000, 'release_notes must be at most 10,000 characters').optional(),
  force_overwrite: z
    .enum(['true', 'false', '1', '0', ''])
    .optional()
    .transform((v) => v === 'true' || v === '1'),
  environment: environmentField.optional(),
});

export type PackageFormFields = z.infer<typeof packageFormFields>;
