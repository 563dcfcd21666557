// The SPA's auth procedures (tRPC over HTTP, superjson) run the same domain functions as the REST
// routes: same rules, same errors, the session in the HttpOnly cookie only.
import { eq } from 'drizzle-orm';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memberships, users } from '../../db/schema/index.ts';
import { createUserFixture, startTestApp, uniqueEmail, type TestApp } from '../test/harness.ts';

const PASSWORD = 'trpc password 123';
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ RATE_LIMIT_ANONYMOUS_PER_HOUR: '100000', RATE_LIMIT_AUTHENTICATED_PER_HOUR: '100000' });
});
afterAll(() => t.close());

type Call = { status: number; data: any; error: any; setCookie: string[] };

async function mutate(path: string, input: unknown, cookie?: string): Promise<Call> {
  const res = await t.request(`/api/trpc/${path}`, { method: 'POST', json: superjson.serialize(input), cookie });
  return unwrap(res);
}

async function query(path: string, cookie?: string): Promise<Call> {
  return unwrap(await t.request(`/api/trpc/${path}`, { cookie }));
}

function unwrap(res: { status: number; body: any; headers: Headers }): Call {
  return {
    status: res.status,
    data: res.body?.result ? superjson.deserialize(res.body.result.data) : undefined,
    error: res.body?.error ? superjson.deserialize(res.body.error) : undefined,
    setCookie: res.headers.getSetCookie(),
  };
}

async function mailedToken(email: string, route: string): Promise<string> {
  const res = await t.request('/api/dev/outbox');
  const mail = (res.body.messages as Array<{ to: string; text: string }>).find((m) => m.to === email && m.text.includes(route));
  return decodeURIComponent(/token=([^\s"<]+)/.exec(mail!.text)![1]);
}

describe('tRPC auth router', () => {
  it('signup -> verifyEmail -> login sets the cookie -> me -> logout clears it', async () => {
    const email = uniqueEmail('trpc');
    const signup = await mutate('auth.signup', { email, password: PASSWORD, organizationName: 'Tee Org' });
    expect(signup.status).toBe(200);
    expect(signup.data).toEqual({
      message: 'Please check your email to verify your account',
      user: { id: expect.any(String), email },
      emailVerificationRequired: true,
    });

    const unverified = await mutate('auth.login', { email, password: PASSWORD });
    expect(unverified.status).toBe(403);
    expect(unverified.error.data.appCode).toBe('EMAIL_NOT_VERIFIED');

    const verified = await mutate('auth.verifyEmail', { token: await mailedToken(email, '/verify-email') });
    expect(verified.status).toBe(200);
    expect(verified.data.user).toEqual({ id: signup.data.user.id, email });

    const login = await mutate('auth.login', { email, password: PASSWORD, rememberMe: true });
    expect(login.status).toBe(200);
    expect(login.data.user).toEqual({ id: signup.data.user.id, email, createdAt: expect.any(Date) });
    expect(JSON.stringify(login.data)).not.toMatch(/token/i);
    expect(login.setCookie).toHaveLength(1);
    expect(login.setCookie[0]).toMatch(/^pixell_session=[^;]+; Expires=[^;]+; HttpOnly; Path=\/; SameSite=Lax$/);
    const cookie = decodeURIComponent(/^pixell_session=([^;]+)/.exec(login.setCookie[0])![1]);

    const me = await query('auth.me', cookie);
    expect(me.status).toBe(200);
    expect(me.data).toEqual({
      user: { id: signup.data.user.id, email, emailVerified: true, createdAt: expect.any(Date) },
      organization: { id: expect.any(String), name: 'Tee Org', credits: t.config.signupCredits, role: 'owner' },
      organizations: [{ id: expect.any(String), name: 'Tee Org', role: 'owner' }],
    });

    const logout = await mutate('auth.logout', undefined, cookie);
    expect(logout.status).toBe(200);
    expect(logout.data).toEqual({ message: 'Logged out successfully' });
    expect(logout.setCookie[0]).toMatch(/^pixell_session=; .*Max-Age=0/);
    expect((await query('auth.me', cookie)).data).toBeNull();
  });

  it('me is null when anonymous; logout and switchOrganization need a session', async () => {
    expect((await query('auth.me')).data).toBeNull();
    expect((await mutate('auth.logout', undefined)).status).toBe(401);
    const f = await createUserFixture(t);
    expect((await mutate('auth.switchOrganization', { organizationId: f.orgId })).status).toBe(401);
  });

  it('login answers the same errors as REST: invalid credentials, validation', async () => {
    const wrong = await mutate('auth.login', { email: uniqueEmail('nobody'), password: 'whatever' });
    expect(wrong.status).toBe(401);
    expect(wrong.error.message).toBe('Invalid email or password');
    expect(wrong.error.data.appCode).toBe('INVALID_CREDENTIALS');

    const bad = await mutate('auth.signup', { email: 'bad', password: 'short', organizationName: '' });
    expect(bad.status).toBe(400);
    expect(bad.error.data.appCode).toBe('VALIDATION_ERROR');
    expect(bad.error.data.details.map((d: { path: string }) => d.path).sort()).toEqual(['email', 'organizationName', 'password']);
  });

  it('switchOrganization changes the active organization shown by me', async () => {
    const f = await createUserFixture(t, { orgName: 'A Home' });
    const other = await createUserFixture(t, { orgName: 'B Away' });
    await t.db.insert(memberships).values({ orgId: other.orgId, userId: f.userId, role: 'member' });
    const res = await mutate('auth.switchOrganization', { organizationId: other.orgId }, f.token);
    expect(res.status).toBe(200);
    expect(res.data).toMatchObject({ organization: { id: other.orgId, name: 'B Away' }, role: 'member', message: expect.any(String) });
    const me = await query('auth.me', f.token);
    expect(me.data.organization).toMatchObject({ id: other.orgId, role: 'member' });
    expect(me.data.organizations.map((o: { name: string }) => o.name)).toEqual(['A Home', 'B Away']);
    const [user] = await t.db.select().from(users).where(eq(users.id, f.userId));
    expect(user.defaultOrgId).toBe(other.orgId);
  });

  it('requestPasswordReset and resetPassword', async () => {
    const f = await createUserFixture(t, { password: PASSWORD });
    const req = await mutate('auth.requestPasswordReset', { email: f.email });
    expect(req.status).toBe(200);
    expect(req.data).toEqual({ message: expect.any(String) });
    const token = await mailedToken(f.email, '/reset-password');
    const done = await mutate('auth.resetPassword', { token, password: 'the new password' });
    expect(done.status).toBe(200);
    expect((await query('auth.me', f.token)).data).toBeNull();
    expect((await mutate('auth.login', { email: f.email, password: 'the new password' })).status).toBe(200);
    const again = await mutate('auth.resetPassword', { token, password: 'the new password 2' });
    expect(again.status).toBe(400);
    expect(again.error.data.appCode).toBe('INVALID_TOKEN');
  });

  it('resendVerification answers neutrally', async () => {
    const res = await mutate('auth.resendVerification', { email: uniqueEmail('nobody') });
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ message: expect.any(String) });
  });
});
