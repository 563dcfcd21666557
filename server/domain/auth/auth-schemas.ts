// Input schemas of the authentication actions, shared by the REST routes, the tRPC procedures and
// the SPA's forms. Pure zod: this file must not import anything else.
// Type checks come first and the rules sit behind `.pipe()`: zod 4 otherwise also runs the length
// rules on a value of the wrong type and reports two issues for one field.
import { z } from 'zod';

/** Emails are compared and stored trimmed and lower-cased. */
export const emailSchema = z
  .string({ message: 'Email is required' })
  .pipe(z.string().trim().toLowerCase().min(1, 'Email is required').max(254, 'Email must be at most 254 characters'))
  .pipe(z.email({ message: 'Enter a valid email address' }));

/** A new password (signup, reset). Login accepts any non-empty password. */
export const passwordSchema = z
  .string({ message: 'Password is required' })
  .pipe(z.string().min(8, 'Password must be at least 8 characters').max(256, 'Password must be at most 256 characters'));

/** An opaque token from an email link or a login response. */
const tokenSchema = z.string({ message: 'Token is required' }).pipe(z.string().trim().min(1, 'Token is required').max(200, 'Token is too long'));

export const signupInput = z.object({
  email: emailSchema,
  password: passwordSchema,
  organizationName: z
    .string({ message: 'Organization name is required' })
    .pipe(z.string().trim().min(1, 'Organization name is required').max(100, 'Organization name must be at most 100 characters')),
});

export const loginInput = z.object({
  email: emailSchema,
  password: z
    .string({ message: 'Password is required' })
    .pipe(z.string().min(1, 'Password is required').max(256, 'Password must be at most 256 characters')),
  rememberMe: z.boolean().optional().default(false),
});

export const verifyEmailInput = z.object({ token: tokenSchema });

/** Resend verification, forgot password. */
export const emailOnlyInput = z.object({ email: emailSchema });

export const resetPasswordInput = z.object({ token: tokenSchema, password: passwordSchema });

export const switchOrganizationInput = z.object({
  organizationId: z.uuid({ message: 'organizationId must be a UUID' }),
});

export const refreshInput = z.object({ refresh_token: tokenSchema });

export type SignupInput = z.infer<typeof signupInput>;
export type LoginInput = z.input<typeof loginInput>;
export type VerifyEmailInput = z.infer<typeof verifyEmailInput>;
export type EmailOnlyInput = z.infer<typeof emailOnlyInput>;
export type ResetPasswordInput = z.infer<typeof resetPasswordInput>;
export type SwitchOrganizationInput = z.infer<typeof switchOrganizationInput>;
export type RefreshInput = z.infer<typeof refreshInput>;
