// Section 1 of rest-api.md: authentication (server/rest/auth.ts).
import { z } from 'zod';
import {
  emailOnlyInput,
  loginInput,
  refreshInput,
  resetPasswordInput,
  signupInput,
  switchOrganizationInput,
  verifyEmailInput,
} from '../../../domain/auth/auth-schemas.ts';
import { messageBody, organizationSummary, role, sessionBody, setCookieHeader, userRef } from '../common-schemas.ts';
import type { RouteDoc } from '../route-doc.ts';

const tags = ['Authentication'];

export const authRouteDocs: RouteDoc[] = [
  {
    method: 'post',
    path: '/api/auth/signup',
    operationId: 'signUp',
    summary: 'Create an account and its organization',
    description:
      'Sends a verification mail. With `REQUIRE_EMAIL_VERIFICATION=false` the message says the account is ready. Emails are trimmed and lower-cased.',
    tags,
    auth: 'public',
    request: { body: signupInput },
    responses: { 201: { description: 'Account created.', schema: z.strictObject({ message: z.string(), user: userRef }) } },
    errors: { 400: 'Invalid input (VALIDATION_ERROR).', 409: 'An account with this email exists (CONFLICT).' },
  },
  {
    method: 'post',
    path: '/api/auth/verify-email',
    operationId: 'verifyEmail',
    summary: 'Verify an email address with the token from the verification mail',
    tags,
    auth: 'public',
    request: { body: verifyEmailInput },
    responses: { 200: { description: 'Email verified.', schema: z.strictObject({ message: z.string(), user: userRef }) } },
    errors: { 400: 'Invalid input, or an invalid, used or expired token (INVALID_TOKEN).' },
  },
  {
    method: 'post',
    path: '/api/auth/resend-verification',
    operationId: 'resendVerification',
    summary: 'Send the verification mail again',
    description: 'Always answers the same neutral message (no account enumeration); at most 5 mails per account and hour.',
    tags,
    auth: 'public',
    request: { body: emailOnlyInput },
    responses: { 200: { description: 'Neutral answer.', schema: messageBody } },
   
  },
  {
    method: 'post',
    path: '/api/auth/login',
    operationId: 'logIn',
    summary: 'Log in with email and password',
    description:
      '`expires_in` is 86400 (24 h, sliding) or 2592000 with `rememberMe: true`. 10 failures for one email within 15 minutes → 429 with `Retry-After`.',
    tags,
    auth: 'public',
    request: { body: loginInput },
    responses: { 200: { description: 'Logged in; the session cookie is set.', schema: sessionBody, headers: setCookieHeader } },
    errors: {
      401: 'Wrong email or password (INVALID_CREDENTIALS).',
      403: 'Email not verified (EMAIL_NOT_VERIFIED).',
      429: 'Too many failed logins (TOO_MANY_LOGIN_ATTEMPTS) or the rate limit.',
    },
  },
  {
    method: 'post',
    path: '/api/auth/refresh',
    operationId: 'refreshSession',
    summary: 'Exchange a refresh token for a new session',
    description: 'Refresh tokens are single-use (rotation) and live 30 days.',
    tags,
    auth: 'public',
    request: { body: refreshInput },
    responses: { 200: { description: 'A new session; the session cookie is set.', schema: sessionBody, headers: setCookieHeader } },
    errors: { 401: 'Unknown, used or expired refresh token.' },
  },
  {
    method: 'post',
    path: '/api/auth/logout',
    operationId: 'logOut',
    summary: 'End the current session',
    tags,
    auth: 'session',
    responses: { 200: { description: 'Logged out; the cookie is cleared.', schema: messageBody, headers: setCookieHeader } },
  },
  {
    method: 'get',
    path: '/api/auth/session',
    operationId: 'getSession',
    summary: 'The signed-in user and their current organization',
    tags,
    auth: 'session',
    responses: {
      200: {
        description: 'The session. `organization` is null for a user without one.',
        schema: z.strictObject({ user: userRef, organization: organizationSummary.nullable() }),
      },
    },
  },
  {
    method: 'post',
    path: '/api/auth/forgot-password',
    operationId: 'forgotPassword',
    summary: 'Request a password reset mail',
    description: 'Always answers the same neutral message (no account enumeration).',
    tags,
    auth: 'public',
    request: { body: emailOnlyInput },
    responses: { 200: { description: 'Neutral answer.', schema: messageBody } },
   
  },
  {
    method: 'post',
    path: '/api/auth/reset-password',
    operationId: 'resetPassword',
    summary: 'Set a new password with the token from the reset mail',
    description: 'Ends every session of the user.',
    tags,
    auth: 'public',
    request: { body: resetPasswordInput },
    responses: { 200: { description: 'Password changed.', schema: messageBody } },
    errors: { 400: 'Invalid input, or an invalid, used or expired token (INVALID_TOKEN).' },
  },
  {
    method: 'post',
    path: '/api/auth/switch-organization',
    operationId: 'switchOrganization',
    summary: 'Make another organization of the user the current one of this session',
    tags,
    auth: 'session',
    request: { body: switchOrganizationInput },
    responses: {
      200: { description: 'Switched.', schema: z.strictObject({ organization: organizationSummary, role }) },
    },
    errors: { 404: 'The user is not a member of that organization.' },
  },
];

