// Authentication for the SPA: the same domain functions as /api/auth/*. The browser session lives
// in the HttpOnly cookie only; tokens are never handed to JavaScript.
import {
  emailOnlyInput,
  loginInput,
  resetPasswordInput,
  signupInput,
  switchOrganizationInput,
  verifyEmailInput,
} from '../domain/auth/auth-schemas.ts';
import { getSessionInfo } from '../domain/auth/get-session-info.ts';
import { logIn } from '../domain/auth/log-in.ts';
import { LOGGED_OUT_MESSAGE, logOut } from '../domain/auth/log-out.ts';
import { PASSWORD_RESET_REQUESTED_MESSAGE, requestPasswordReset } from '../domain/auth/request-password-reset.ts';
import { RESEND_VERIFICATION_MESSAGE, resendVerification } from '../domain/auth/resend-verification.ts';
import { PASSWORD_RESET_DONE_MESSAGE, resetPassword } from '../domain/auth/reset-password.ts';
import { signUp } from '../domain/auth/sign-up.ts';
import { switchOrganization } from '../domain/auth/switch-organization.ts';
import { EMAIL_VERIFIED_MESSAGE, verifyEmail } from '../domain/auth/verify-email.ts';
import { clearSessionCookie, setSessionCookie } from '../http/session-cookie.ts';
import { publicProcedure, router, sessionProcedure } from './init.ts';

export const authRouter = router({
  /** The signed-in user, active organization and memberships; null without a session. */
  me: publicProcedure.query(({ ctx }) => (ctx.domain.actor.kind === 'session' ? getSessionInfo(ctx.domain) : null)),

  signup: publicProcedure.input(signupInput).mutation(async ({ ctx, input }) => {
    const result = await signUp(ctx.domain, input);
    return { message: result.message, user: { id: result.user.id, email: result.user.email }, emailVerificationRequired: result.emailVerificationRequired };
  }),

  login: publicProcedure.input(loginInput).mutation(async ({ ctx, input }) => {
    const result = await logIn(ctx.domain, input, { userAgent: ctx.req.get('user-agent') ?? null });
    setSessionCookie(ctx.services.lucia, ctx.res, result.session);
    return { user: result.user, expiresAt: result.session.expiresAt };
  }),

  logout: sessionProcedure.mutation(async ({ ctx }) => {
    await logOut(ctx.domain);
    clearSessionCookie(ctx.services.lucia, ctx.res);
    return { message: LOGGED_OUT_MESSAGE };
  }),

  verifyEmail: publicProcedure.input(verifyEmailInput).mutation(async ({ ctx, input }) => {
    const result = await verifyEmail(ctx.domain, input);
    return { message: EMAIL_VERIFIED_MESSAGE, user: result.user };
  }),

  resendVerification: publicProcedure.input(emailOnlyInput).mutation(async ({ ctx, input }) => {
    await resendVerification(ctx.domain, input);
    return { message: RESEND_VERIFICATION_MESSAGE };
  }),

  requestPasswordReset: publicProcedure.input(emailOnlyInput).mutation(async ({ ctx, input }) => {
    await requestPasswordReset(ctx.domain, input);
    return { message: PASSWORD_RESET_REQUESTED_MESSAGE };
  }),

  resetPassword: publicProcedure.input(resetPasswordInput).mutation(async ({ ctx, input }) => {
    await resetPassword(ctx.domain, input);
    return { message: PASSWORD_RESET_DONE_MESSAGE };
  }),

  switchOrganization: sessionProcedure.input(switchOrganizationInput).mutation(async ({ ctx, input }) => {
    const result = await switchOrganization(ctx.domain, input);
    return { message: `Switched to ${result.organization.name}`, ...result };
  }),
});
