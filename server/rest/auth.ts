// Section 1 of the REST doc: authentication. Thin adapters: parse -> actor -> domain fn -> shape.
import { Router, type Request } from 'express';
import type { Services } from '../domain/context.ts';
import {
  emailOnlyInput,
  loginInput,
  refreshInput,
  resetPasswordInput,
  signupInput,
  switchOrganizationInput,
  verifyEmailInput,
} from '../domain/auth/auth-schemas.ts';
import { getSessionInfo } from '../domain/auth/get-session-info.ts';
import { logIn, type LoginResult } from '../domain/auth/log-in.ts';
import { LOGGED_OUT_MESSAGE, logOut } from '../domain/auth/log-out.ts';
import { refreshSession } from '../domain/auth/refresh-session.ts';
import { PASSWORD_RESET_REQUESTED_MESSAGE, requestPasswordReset } from '../domain/auth/request-password-reset.ts';
import { RESEND_VERIFICATION_MESSAGE, resendVerification } from '../domain/auth/resend-verification.ts';
import { PASSWORD_RESET_DONE_MESSAGE, resetPassword } from '../domain/auth/reset-password.ts';
import { signUp } from '../domain/auth/sign-up.ts';
import { switchOrganization } from '../domain/auth/switch-organization.ts';
import { EMAIL_VERIFIED_MESSAGE, verifyEmail } from '../domain/auth/verify-email.ts';
import { domainCtx } from '../http/request-context.ts';
import { clearSessionCookie, setSessionCookie } from '../http/session-cookie.ts';
import { iso, parseInput } from './parse.ts';

/** The documented login body: user + session tokens, `expires_in` in seconds from now. */
function sessionBody(services: Services, result: LoginResult) {
  return {
    user: { id: result.user.id, email: result.user.email, created_at: iso(result.user.createdAt) },
    session: {
      access_token: result.session.accessToken,
      refresh_token: result.session.refreshToken,
      expires_in: Math.max(0, Math.round((result.session.expiresAt.getTime() - services.now().getTime()) / 1000)),
    },
  };
}

const userAgent = (req: Request) => req.get('user-agent') ?? null;

export function authRoutes(services: Services): Router {
  const r = Router();

  r.post('/auth/signup', async (req, res) => {
    const input = parseInput(signupInput, req.body);
    const result = await signUp(domainCtx(services, req), input);
    res.status(201).json({
      message: result.message,
      user: { id: result.user.id, email: result.user.email },
    });
  });

  r.post('/auth/verify-email', async (req, res) => {
    const input = parseInput(verifyEmailInput, req.body);
    const result = await verifyEmail(domainCtx(services, req), input);
    res.json({ message: EMAIL_VERIFIED_MESSAGE, user: result.user });
  });

  r.post('/auth/resend-verification', async (req, res) => {
    const input = parseInput(emailOnlyInput, req.body);
    await resendVerification(domainCtx(services, req), input);
    res.json({ message: RESEND_VERIFICATION_MESSAGE });
  });

  r.post('/auth/login', async (req, res) => {
    const input = parseInput(loginInput, req.body);
    const result = await logIn(domainCtx(services, req), input, { userAgent: userAgent(req) });
    setSessionCookie(services.lucia, res, result.session);
    res.json(sessionBody(services, result));
  });

  r.post('/auth/refresh', async (req, res) => {
    const input = parseInput(refreshInput, req.body);
    const result = await refreshSession(domainCtx(services, req), input, { userAgent: userAgent(req) });
    setSessionCookie(services.lucia, res, result.session);
    res.json(sessionBody(services, result));
  });

  r.post('/auth/logout', async (req, res) => {
    await logOut(domainCtx(services, req));
    clearSessionCookie(services.lucia, res);
    res.json({ message: LOGGED_OUT_MESSAGE });
  });

  r.get('/auth/session', async (req, res) => {
    const info = await getSessionInfo(domainCtx(services, req));
    res.json({
      user: { id: info.user.id, email: info.user.email },
      organization: info.organization ? { id: info.organization.id, name: info.organization.name, credits: info.organization.credits } : null,
    });
  });

  r.post('/auth/forgot-password', async (req, res) => {
    const input = parseInput(emailOnlyInput, req.body);
    await requestPasswordReset(domainCtx(services, req), input);
    res.json({ message: PASSWORD_RESET_REQUESTED_MESSAGE });
  });

  r.post('/auth/reset-password', async (req, res) => {
    const input = parseInput(resetPasswordInput, req.body);
    await resetPassword(domainCtx(services, req), input);
    res.json({ message: PASSWORD_RESET_DONE_MESSAGE });
  });

  r.post('/auth/switch-organization', async (req, res) => {
    const input = parseInput(switchOrganizationInput, req.body);
    const result = await switchOrganization(domainCtx(services, req), input);
    res.json({ organization: result.organization, role: result.role });
  });

  return r;
}
