// REST section 1 (authentication): every route's documented shape and status, bad input, and the
// flows end to end through the mail outbox.
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLogs, creditTransactions, emailTokens, loginFailures, memberships, organizations, sessions, users } from '../../db/schema/index.ts';
import { sha256Hex } from '../domain/tokens.ts';
import { createApiKeyFixture, createUserFixture, startTestApp, uniqueEmail, type TestApp } from '../test/harness.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const PASSWORD = 'Sup3r secret password';
const UNAUTHORIZED_BODY = { error: 'Invalid API key or session', code: 'UNAUTHORIZED' };
const INVALID_CREDENTIALS_BODY = { error: 'Invalid email or password', code: 'INVALID_CREDENTIALS' };
const DAY_S = 24 * 60 * 60;

/** Every clear-text secret the tests handled: none may ever appear in the logs. */
const secrets = new Set<string>();
const remember = <T extends string>(s: T): T => {
  secrets.add(s);
  return s;
};

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ RATE_LIMIT_ANONYMOUS_PER_HOUR: '100000', RATE_LIMIT_AUTHENTICATED_PER_HOUR: '100000' });
});
afterAll(() => t.close());

async function signup(email: string, password = PASSWORD, organizationName = 'Acme Robots') {
  remember(password);
  return t.request('/api/auth/signup', { method: 'POST', json: { email, password, organizationName } });
}

async function login(email: string, password = PASSWORD, rememberMe = false) {
  const res = await t.request('/api/auth/login', { method: 'POST', json: { email, password, rememberMe } });
  if (res.status === 200) {
    remember(res.body.session.access_token);
    remember(res.body.session.refresh_token);
  }
  return res;
}

/** The token of the newest mail to `email` whose link points at `route` (e.g. /verify-email). */
async function mailedToken(email: string, route: string): Promise<string> {
  const res = await t.request('/api/dev/outbox');
  expect(res.status).toBe(200);
  const prefix = `${t.config.publicUrl}${route}?token=`;
  const mail = (res.body.messages as Array<{ to: string; text: string; html: string }>).find((m) => m.to === email && m.text.includes(prefix));
  if (!mail) throw new Error(`no ${route} mail to ${email}`);
  const token = decodeURIComponent(new RegExp(`${escapeRegExp(prefix)}([^\\s"<]+)`).exec(mail.text)![1]);
  return remember(token);
}

async function mailCount(email: string): Promise<number> {
  const res = await t.request('/api/dev/outbox');
  return (res.body.messages as Array<{ to: string }>).filter((m) => m.to === email).length;
}

function escapeRegExp(s: string) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A verified account created through the routes (signup + link from the mail). */
async function verifiedAccount(organizationName = 'Verified Org') {
  const email = uniqueEmail('verified');
  const res = await signup(email, PASSWORD, organizationName);
  expect(res.status).toBe(201);
  const token = await mailedToken(email, '/verify-email');
  expect((await t.request('/api/auth/verify-email', { method: 'POST', json: { token } })).status).toBe(200);
  return { email, userId: res.body.user.id as string };
}

function cookieOf(res: { headers: Headers }): string {
  const all = res.headers.getSetCookie();
  expect(all).toHaveLength(1);
  return all[0];
}

function cookieValue(setCookie: string): string {
  return decodeURIComponent(/^pixell_session=([^;]*)/.exec(setCookie)![1]);
}

async function auditActions(userId: string): Promise<string[]> {
  const rows = await t.db.select({ action: auditLogs.action }).from(auditLogs).where(eq(auditLogs.actorUserId, userId));
  return rows.map((r) => r.action);
}

describe('POST /api/auth/signup', () => {
  it('creates the user, an organization they own with the signup credits, and mails a verification link', async () => {
    const email = uniqueEmail('Signup');
    const res = await signup(`  ${email.toUpperCase()} `, PASSWORD, 'My Company');
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      message: 'Please check your email to verify your account',
      user: { id: expect.stringMatching(UUID), email: email.toLowerCase() },
    });
    const userId = res.body.user.id;

    const [user] = await t.db.select().from(users).where(eq(users.id, userId));
    expect(user.email).toBe(email.toLowerCase());
    expect(user.passwordHash).toMatch(/^\$argon2id\$/);
    expect(user.emailVerifiedAt).toBeNull();
    expect(user.defaultOrgId).toMatch(UUID);

    const [org] = await t.db.select().from(organizations).where(eq(organizations.id, user.defaultOrgId!));
    expect(org).toMatchObject({ name: 'My Company', credits: t.config.signupCredits });
    const members = await t.db.select().from(memberships).where(eq(memberships.orgId, org.id));
    expect(members).toEqual([expect.objectContaining({ userId, role: 'owner' })]);
    const ledger = await t.db.select().from(creditTransactions).where(eq(creditTransactions.orgId, org.id));
    expect(ledger).toEqual([expect.objectContaining({ type: 'grant', amount: t.config.signupCredits, balanceAfter: t.config.signupCredits })]);

    // The link is absolute, the token random and stored only as its SHA-256, valid for 24 hours.
    const token = await mailedToken(email.toLowerCase(), '/verify-email');
    expect(token.length).toBeGreaterThanOrEqual(40);
    const [row] = await t.db.select().from(emailTokens).where(eq(emailTokens.userId, userId));
    expect(row.purpose).toBe('verify_email');
    expect(row.tokenHash).toBe(sha256Hex(token));
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBe(DAY_S * 1000);
    expect(await t.db.select().from(emailTokens).where(eq(emailTokens.tokenHash, token))).toEqual([]);

    expect(await auditActions(userId)).toEqual(expect.arrayContaining(['user.signup', 'organization.create']));
  });

  it('answers 409 CONFLICT for an email that is taken, whatever its case', async () => {
    const email = uniqueEmail('dup');
    expect((await signup(email)).status).toBe(201);
    const res = await signup(email.toUpperCase(), 'another password', 'Other');
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ error: expect.any(String), code: 'CONFLICT' });
    const rows = await t.db.select().from(users).where(eq(users.email, email));
    expect(rows).toHaveLength(1);
  });

  it('two simultaneous signups with one email: exactly one account, the other 409', async () => {
    const email = uniqueEmail('race');
    const results = await Promise.all([signup(email, PASSWORD, 'One'), signup(email, PASSWORD, 'Two')]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(await t.db.select().from(users).where(eq(users.email, email))).toHaveLength(1);
    const orgs = await t.db.select().from(organizations).where(sql`${organizations.name} in ('One', 'Two')`);
    expect(orgs).toHaveLength(1);
  });

  it.each([
    ['no body', undefined, ['email', 'password', 'organizationName']],
    ['a malformed email', { email: 'not-an-email', password: PASSWORD, organizationName: 'X' }, ['email']],
    ['a short password', { email: uniqueEmail(), password: 'short', organizationName: 'X' }, ['password']],
    ['a blank organization name', { email: uniqueEmail(), password: PASSWORD, organizationName: '   ' }, ['organizationName']],
    ['wrong types', { email: 42, password: true, organizationName: [] }, ['email', 'password', 'organizationName']],
  ])('answers 400 VALIDATION_ERROR for %s and writes nothing', async (_name, json, paths) => {
    const [{ n: before }] = await t.db.select({ n: sql<number>`count(*)::int` }).from(users);
    const res = await t.request('/api/auth/signup', { method: 'POST', json });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_ERROR');
    expect(res.body.details.map((d: { path: string }) => d.path).sort()).toEqual([...paths].sort());
    const [{ n: after }] = await t.db.select({ n: sql<number>`count(*)::int` }).from(users);
    expect(after).toBe(before);
  });
});

describe('email verification', () => {
  it('refuses an unverified login with 403, verifies once through the mailed link, then logs in', async () => {
    const email = uniqueEmail('verify');
    const { body } = await signup(email);

    const before = await login(email);
    expect(before.status).toBe(403);
    expect(before.body).toEqual({ error: expect.any(String), code: 'EMAIL_NOT_VERIFIED' });
    expect(before.headers.getSetCookie()).toEqual([]);

    const token = await mailedToken(email, '/verify-email');
    const res = await t.request('/api/auth/verify-email', { method: 'POST', json: { token } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ message: 'Email verified successfully', user: { id: body.user.id, email } });
    const [user] = await t.db.select().from(users).where(eq(users.id, body.user.id));
    expect(user.emailVerifiedAt).toBeInstanceOf(Date);

    const again = await t.request('/api/auth/verify-email', { method: 'POST', json: { token } });
    expect(again.status).toBe(400);
    expect(again.body).toEqual({ error: expect.any(String), code: 'INVALID_TOKEN' });

    expect((await login(email)).status).toBe(200);
  });

  it('answers 400 INVALID_TOKEN for an unknown or expired token, 400 VALIDATION_ERROR without one', async () => {
    const unknown = await t.request('/api/auth/verify-email', { method: 'POST', json: { token: 'definitely-not-a-token' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe('INVALID_TOKEN');

    const email = uniqueEmail('expired');
    const { body } = await signup(email);
    const token = await mailedToken(email, '/verify-email');
    await t.db.update(emailTokens).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(emailTokens.userId, body.user.id));
    const expired = await t.request('/api/auth/verify-email', { method: 'POST', json: { token } });
    expect(expired.status).toBe(400);
    expect(expired.body.code).toBe('INVALID_TOKEN');

    const missing = await t.request('/api/auth/verify-email', { method: 'POST', json: {} });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ code: 'VALIDATION_ERROR', details: [{ path: 'token', message: expect.any(String) }] });
  });

  it('a reset-password token does not verify an email', async () => {
    const { email } = await verifiedAccount();
    await t.request('/api/auth/forgot-password', { method: 'POST', json: { email } });
    const token = await mailedToken(email, '/reset-password');
    const res = await t.request('/api/auth/verify-email', { method: 'POST', json: { token } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('INVALID_TOKEN');
  });

  it('POST /api/auth/resend-verification answers the same for every address and mails only unverified accounts', async () => {
    const unverified = uniqueEmail('resend');
    await signup(unverified);
    const { email: verified } = await verifiedAccount();
    const nobody = uniqueEmail('nobody');

    const counts = { unverified: await mailCount(unverified), verified: await mailCount(verified) };
    const answers = [];
    for (const email of [unverified, verified, nobody]) {
      const res = await t.request('/api/auth/resend-verification', { method: 'POST', json: { email } });
      expect(res.status).toBe(200);
      answers.push(res.body);
    }
    expect(answers[0]).toEqual({ message: expect.any(String) });
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
    expect(await mailCount(unverified)).toBe(counts.unverified + 1);
    expect(await mailCount(verified)).toBe(counts.verified);
    expect(await mailCount(nobody)).toBe(0);

    // The new link works.
    const token = await mailedToken(unverified, '/verify-email');
    expect((await t.request('/api/auth/verify-email', { method: 'POST', json: { token } })).status).toBe(200);

    const bad = await t.request('/api/auth/resend-verification', { method: 'POST', json: { email: 'nope' } });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_ERROR');
  });
});

describe('POST /api/auth/login', () => {
  it('answers the documented body and a browser-session cookie without remember-me', async () => {
    const { email, userId } = await verifiedAccount();
    const res = await login(email.toUpperCase(), PASSWORD, false);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      user: { id: userId, email, created_at: expect.stringMatching(ISO) },
      session: { access_token: expect.any(String), refresh_token: expect.any(String), expires_in: expect.any(Number) },
    });
    expect(Object.keys(res.body.user)).toEqual(['id', 'email', 'created_at']);
    expect(res.body.session.expires_in).toBeGreaterThan(DAY_S - 10);
    expect(res.body.session.expires_in).toBeLessThanOrEqual(DAY_S);
    expect(res.body.session.access_token).not.toBe(res.body.session.refresh_token);

    const cookie = cookieOf(res);
    expect(cookieValue(cookie)).toBe(res.body.session.access_token);
    const attrs = cookie.split('; ').slice(1);
    expect(attrs).toEqual(expect.arrayContaining(['HttpOnly', 'Path=/', 'SameSite=Lax']));
    expect(cookie).not.toMatch(/Expires=|Max-Age=|Secure/i);

    // Only hashes are stored.
    const [row] = await t.db.select().from(sessions).where(eq(sessions.id, sha256Hex(res.body.session.access_token)));
    expect(row).toMatchObject({ userId, rememberMe: false, refreshTokenHash: sha256Hex(res.body.session.refresh_token) });
    expect(await auditActions(userId)).toContain('user.login');
  });

  it('with rememberMe sets a cookie and a session of 30 days', async () => {
    const { email } = await verifiedAccount();
    const res = await login(email, PASSWORD, true);
    expect(res.status).toBe(200);
    expect(res.body.session.expires_in).toBeGreaterThan(30 * DAY_S - 10);
    expect(res.body.session.expires_in).toBeLessThanOrEqual(30 * DAY_S);
    const cookie = cookieOf(res);
    expect(cookie).not.toMatch(/Max-Age=/i);
    const expires = new Date(/Expires=([^;]+)/.exec(cookie)![1]).getTime();
    expect(Math.abs(expires - (Date.now() + 30 * DAY_S * 1000))).toBeLessThan(10_000);
    const [row] = await t.db.select().from(sessions).where(eq(sessions.id, sha256Hex(res.body.session.access_token)));
    expect(row.rememberMe).toBe(true);
    expect(Math.abs(row.expiresAt.getTime() - expires)).toBeLessThan(1000);
  });

  it('answers the same 401 for a wrong password and an unknown email, after comparable work', async () => {
    const { email } = await verifiedAccount();
    const wrong = await login(email, 'wrong password!');
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual(INVALID_CREDENTIALS_BODY);
    const unknown = await login(uniqueEmail('ghost'), PASSWORD);
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(INVALID_CREDENTIALS_BODY);
    expect(wrong.headers.getSetCookie()).toEqual([]);

    // Both paths run an argon2 verification: the unknown email is not answered markedly faster.
    const time = async (e: string) => {
      const started = performance.now();
      await login(e, 'wrong password!');
      return performance.now() - started;
    };
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const known: number[] = [];
    const ghost: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      known.push(await time(email));
      ghost.push(await time(uniqueEmail('ghost')));
    }
    await t.db.delete(loginFailures).where(eq(loginFailures.email, email));
    expect(median(ghost)).toBeGreaterThan(median(known) * 0.4);
  });

  it('answers 400 VALIDATION_ERROR for bad input', async () => {
    const res = await t.request('/api/auth/login', { method: 'POST', json: { email: 'x', password: '', rememberMe: 'yes' } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_ERROR');
    expect(res.body.details.map((d: { path: string }) => d.path).sort()).toEqual(['email', 'password', 'rememberMe']);
  });

  it('starts the session in the default organization, or the first membership when that is gone', async () => {
    const owner = await createUserFixture(t, { orgName: 'First Org', password: PASSWORD });
    const other = await createUserFixture(t, { orgName: 'Second Org' });
    await t.db.insert(memberships).values({ orgId: other.orgId, userId: owner.userId, role: 'member' });
    await t.db.update(users).set({ defaultOrgId: other.orgId }).where(eq(users.id, owner.userId));

    const first = await login(owner.email);
    const session1 = await t.request('/api/auth/session', { token: first.body.session.access_token });
    expect(session1.body.organization).toEqual({ id: other.orgId, name: 'Second Org', credits: 100 });

    await t.db.update(users).set({ defaultOrgId: null }).where(eq(users.id, owner.userId));
    const second = await login(owner.email);
    const session2 = await t.request('/api/auth/session', { token: second.body.session.access_token });
    expect(session2.body.organization.id).toBe(owner.orgId);
  });
});

describe('brute-force protection', () => {
  it('after 10 failures within 15 minutes answers 429 with Retry-After, even for the right password', async () => {
    const { email } = await verifiedAccount();
    for (let i = 0; i < 10; i += 1) {
      const res = await login(email, `wrong password ${i}`);
      expect(res.status).toBe(401);
    }
    const locked = await login(email, PASSWORD);
    expect(locked.status).toBe(429);
    expect(locked.body).toEqual({ error: expect.any(String), code: 'TOO_MANY_LOGIN_ATTEMPTS' });
    const retryAfter = Number(locked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(15 * 60 - 30);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(locked.headers.getSetCookie()).toEqual([]);

    // Refused attempts are not counted: the lock does not grow.
    const rows = await t.db.select().from(loginFailures).where(eq(loginFailures.email, email));
    expect(rows).toHaveLength(10);

    // Other addresses are not affected.
    const { email: other } = await verifiedAccount();
    expect((await login(other)).status).toBe(200);

    // Sliding window: 10 minutes later, Retry-After is what is left of the oldest counted failure.
    await t.db.execute(sql`update login_failures set failed_at = failed_at - interval '10 minutes' where email = ${email}`);
    const later = await login(email, PASSWORD);
    expect(later.status).toBe(429);
    const left = Number(later.headers.get('retry-after'));
    expect(left).toBeGreaterThan(5 * 60 - 30);
    expect(left).toBeLessThanOrEqual(5 * 60);

    // Once the failures have left the window the right password works and clears the count.
    await t.db.execute(sql`update login_failures set failed_at = failed_at - interval '6 minutes' where email = ${email}`);
    expect((await login(email, PASSWORD)).status).toBe(200);
    expect(await t.db.select().from(loginFailures).where(eq(loginFailures.email, email))).toEqual([]);
  });

  it('a successful login clears earlier failures', async () => {
    const { email } = await verifiedAccount();
    for (let i = 0; i < 9; i += 1) expect((await login(email, 'wrong password')).status).toBe(401);
    expect((await login(email)).status).toBe(200);
    for (let i = 0; i < 10; i += 1) expect((await login(email, 'wrong password')).status).toBe(401);
    expect((await login(email)).status).toBe(429);
  });

  it('locks unknown addresses the same way (no enumeration)', async () => {
    const ghost = uniqueEmail('ghost-lock');
    for (let i = 0; i < 10; i += 1) expect((await login(ghost, 'whatever pass')).status).toBe(401);
    expect((await login(ghost, 'whatever pass')).status).toBe(429);
  });

  it('parallel guesses cannot get more than 10 password checks', async () => {
    const { email } = await verifiedAccount();
    const results = await Promise.all(Array.from({ length: 16 }, (_, i) => login(email, `parallel guess ${i}`)));
    const statuses = results.map((r) => r.status);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(10);
  });
});

describe('GET /api/auth/session', () => {
  it('answers the documented body with the cookie or the Bearer access token', async () => {
    const { email, userId } = await verifiedAccount('Session Org');
    const res = await login(email);
    const byCookie = await t.request('/api/auth/session', { cookie: res.body.session.access_token });
    expect(byCookie.status).toBe(200);
    expect(byCookie.body).toEqual({
      user: { id: userId, email },
      organization: { id: expect.stringMatching(UUID), name: 'Session Org', credits: t.config.signupCredits },
    });
    const byBearer = await t.request('/api/auth/session', { token: res.body.session.access_token });
    expect(byBearer.status).toBe(200);
    expect(byBearer.body).toEqual(byCookie.body);
  });

  it('answers 401 UNAUTHORIZED without a valid session', async () => {
    for (const opts of [{}, { token: 'not-a-session' }, { cookie: 'not-a-session' }]) {
      const res = await t.request('/api/auth/session', opts);
      expect(res.status).toBe(401);
      expect(res.body).toEqual(UNAUTHORIZED_BODY);
    }
  });

  it('answers organization null for a user without one', async () => {
    const f = await createUserFixture(t);
    await t.db.delete(memberships).where(eq(memberships.userId, f.userId));
    const res = await t.request('/api/auth/session', { token: f.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ user: { id: f.userId, email: f.email }, organization: null });
  });

  it('answers 403 FORBIDDEN for an API key (it is not a session)', async () => {
    const f = await createUserFixture(t);
    const key = await createApiKeyFixture(t, f);
    remember(key.key);
    const res = await t.request('/api/auth/session', { token: key.key });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ error: expect.any(String), code: 'FORBIDDEN' });
  });
});

describe('POST /api/auth/logout', () => {
  it('ends the cookie session server-side and clears the cookie', async () => {
    const { email, userId } = await verifiedAccount();
    const { body } = await login(email);
    const res = await t.request('/api/auth/logout', { method: 'POST', cookie: body.session.access_token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ message: 'Logged out successfully' });
    const cleared = cookieOf(res);
    expect(cleared).toMatch(/^pixell_session=;/);
    expect(cleared).toMatch(/Max-Age=0/);
    expect((await t.request('/api/auth/session', { cookie: body.session.access_token })).status).toBe(401);
    // The refresh token died with the session.
    const refresh = await t.request('/api/auth/refresh', { method: 'POST', json: { refresh_token: body.session.refresh_token } });
    expect(refresh.status).toBe(401);
    expect(await auditActions(userId)).toContain('user.logout');
  });

  it('works with the Bearer access token, and only ends that session', async () => {
    const { email } = await verifiedAccount();
    const a = await login(email);
    const b = await login(email);
    const res = await t.request('/api/auth/logout', { method: 'POST', token: a.body.session.access_token });
    expect(res.status).toBe(200);
    expect((await t.request('/api/auth/session', { token: a.body.session.access_token })).status).toBe(401);
    expect((await t.request('/api/auth/session', { token: b.body.session.access_token })).status).toBe(200);
  });

  it('answers 401 without a session', async () => {
    const res = await t.request('/api/auth/logout', { method: 'POST' });
    expect(res.status).toBe(401);
    expect(res.body).toEqual(UNAUTHORIZED_BODY);
  });
});

describe('POST /api/auth/refresh', () => {
  it('rotates: a new session for the refresh token, which then stops working', async () => {
    const { email, userId } = await verifiedAccount();
    const first = await login(email, PASSWORD, true);
    const res = await t.request('/api/auth/refresh', { method: 'POST', json: { refresh_token: first.body.session.refresh_token } });
    expect(res.status).toBe(200);
    remember(res.body.session.access_token);
    remember(res.body.session.refresh_token);
    expect(res.body).toEqual({
      user: { id: userId, email, created_at: expect.stringMatching(ISO) },
      session: { access_token: expect.any(String), refresh_token: expect.any(String), expires_in: expect.any(Number) },
    });
    expect(res.body.session.access_token).not.toBe(first.body.session.access_token);
    expect(res.body.session.refresh_token).not.toBe(first.body.session.refresh_token);
    // Remember-me carries over.
    expect(res.body.session.expires_in).toBeGreaterThan(30 * DAY_S - 10);
    expect(cookieValue(cookieOf(res))).toBe(res.body.session.access_token);

    expect((await t.request('/api/auth/session', { token: first.body.session.access_token })).status).toBe(401);
    expect((await t.request('/api/auth/session', { token: res.body.session.access_token })).status).toBe(200);

    const reused = await t.request('/api/auth/refresh', { method: 'POST', json: { refresh_token: first.body.session.refresh_token } });
    expect(reused.status).toBe(401);
    expect(reused.body).toEqual(UNAUTHORIZED_BODY);

    const next = await t.request('/api/auth/refresh', { method: 'POST', json: { refresh_token: res.body.session.refresh_token } });
    expect(next.status).toBe(200);
    remember(next.body.session.access_token);
    remember(next.body.session.refresh_token);
  });

  it('still works after the access token has expired, not after the refresh token has', async () => {
    const { email } = await verifiedAccount();
    const { body } = await login(email);
    const id = sha256Hex(body.session.access_token);
    await t.db.update(sessions).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(sessions.id, id));
    expect((await t.request('/api/auth/session', { token: body.session.access_token })).status).toBe(401);
    const res = await t.request('/api/auth/refresh', { method: 'POST', json: { refresh_token: body.session.refresh_token } });
    expect(res.status).toBe(200);
    remember(res.body.session.access_token);
    remember(res.body.session.refresh_token);

    await t.db
      .update(sessions)
      .set({ refreshExpiresAt: new Date(Date.now() - 1000) })
      .where(eq(sessions.id, sha256Hex(res.body.session.access_token)));
    const expired = await t.request('/api/auth/refresh', { method: 'POST', json: { refresh_token: res.body.session.refresh_token } });
    expect(expired.status).toBe(401);
  });

  it('answers 401 for an unknown token and 400 without one', async () => {
    const unknown = await t.request('/api/auth/refresh', { method: 'POST', json: { refresh_token: 'nope' } });
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(UNAUTHORIZED_BODY);
    const missing = await t.request('/api/auth/refresh', { method: 'POST', json: {} });
    expect(missing.status).toBe(400);
    expect(missing.body.code).toBe('VALIDATION_ERROR');
  });
});

describe('password reset', () => {
  it('mails a one-hour link; the reset sets the password, ends every session and verifies the email', async () => {
    const email = uniqueEmail('reset');
    const { body: created } = await signup(email); // never verified
    const userId = created.user.id;
    await t.db.update(users).set({ emailVerifiedAt: new Date() }).where(eq(users.id, userId));
    const session = await login(email);
    expect(session.status).toBe(200);
    await t.db.update(users).set({ emailVerifiedAt: null }).where(eq(users.id, userId));

    const res = await t.request('/api/auth/forgot-password', { method: 'POST', json: { email: email.toUpperCase() } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ message: expect.any(String) });
    const token = await mailedToken(email, '/reset-password');
    const [row] = await t.db
      .select()
      .from(emailTokens)
      .where(and(eq(emailTokens.userId, userId), eq(emailTokens.purpose, 'reset_password')));
    expect(row.tokenHash).toBe(sha256Hex(token));
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBe(60 * 60 * 1000);

    const short = await t.request('/api/auth/reset-password', { method: 'POST', json: { token, password: 'short' } });
    expect(short.status).toBe(400);
    expect(short.body).toMatchObject({ code: 'VALIDATION_ERROR', details: [{ path: 'password', message: expect.any(String) }] });

    const newPassword = remember('a brand new password');
    const done = await t.request('/api/auth/reset-password', { method: 'POST', json: { token, password: newPassword } });
    expect(done.status).toBe(200);
    expect(done.body).toEqual({ message: expect.any(String) });

    expect((await t.request('/api/auth/session', { token: session.body.session.access_token })).status).toBe(401);
    expect((await login(email, PASSWORD)).status).toBe(401);
    expect((await login(email, newPassword)).status).toBe(200); // verified by the reset
    expect(await auditActions(userId)).toContain('user.password_reset');

    const reused = await t.request('/api/auth/reset-password', { method: 'POST', json: { token, password: 'yet another password' } });
    expect(reused.status).toBe(400);
    expect(reused.body).toEqual({ error: expect.any(String), code: 'INVALID_TOKEN' });
  });

  it('answers the same for unknown addresses and sends nothing', async () => {
    const nobody = uniqueEmail('nobody');
    const { email } = await verifiedAccount();
    const a = await t.request('/api/auth/forgot-password', { method: 'POST', json: { email: nobody } });
    const b = await t.request('/api/auth/forgot-password', { method: 'POST', json: { email } });
    expect(a.status).toBe(200);
    expect(a.body).toEqual(b.body);
    expect(await mailCount(nobody)).toBe(0);
    const bad = await t.request('/api/auth/forgot-password', { method: 'POST', json: { email: '' } });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_ERROR');
  });

  it('refuses expired, superseded and unknown tokens with 400 INVALID_TOKEN', async () => {
    const { email, userId } = await verifiedAccount();
    await t.request('/api/auth/forgot-password', { method: 'POST', json: { email } });
    const first = await mailedToken(email, '/reset-password');
    await t.request('/api/auth/forgot-password', { method: 'POST', json: { email } });
    const second = await mailedToken(email, '/reset-password');
    expect(second).not.toBe(first);

    const superseded = await t.request('/api/auth/reset-password', { method: 'POST', json: { token: first, password: 'new password 1' } });
    expect(superseded.status).toBe(400);
    expect(superseded.body.code).toBe('INVALID_TOKEN');

    await t.db
      .update(emailTokens)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(and(eq(emailTokens.userId, userId), eq(emailTokens.purpose, 'reset_password')));
    const expired = await t.request('/api/auth/reset-password', { method: 'POST', json: { token: second, password: 'new password 2' } });
    expect(expired.status).toBe(400);
    expect(expired.body.code).toBe('INVALID_TOKEN');

    const unknown = await t.request('/api/auth/reset-password', { method: 'POST', json: { token: 'unknown', password: 'new password 3' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe('INVALID_TOKEN');
    expect((await login(email)).status).toBe(200);
  });
});

describe('POST /api/auth/switch-organization', () => {
  it('switches the active organization of the session and the default for the next login', async () => {
    const f = await createUserFixture(t, { orgName: 'Home', password: PASSWORD });
    const other = await createUserFixture(t, { orgName: 'Elsewhere', credits: 250 });
    await t.db.insert(memberships).values({ orgId: other.orgId, userId: f.userId, role: 'admin' });

    const res = await t.request('/api/auth/switch-organization', { method: 'POST', token: f.token, json: { organizationId: other.orgId } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ organization: { id: other.orgId, name: 'Elsewhere', credits: 250 }, role: 'admin' });
    const session = await t.request('/api/auth/session', { token: f.token });
    expect(session.body.organization).toEqual({ id: other.orgId, name: 'Elsewhere', credits: 250 });
    const [user] = await t.db.select().from(users).where(eq(users.id, f.userId));
    expect(user.defaultOrgId).toBe(other.orgId);
    const next = await login(f.email);
    expect((await t.request('/api/auth/session', { token: next.body.session.access_token })).body.organization.id).toBe(other.orgId);
  });

  it('answers 404 for an organization the user is not in, 400 for a malformed id, 401/403 without a session', async () => {
    const f = await createUserFixture(t);
    const stranger = await createUserFixture(t);
    const foreign = await t.request('/api/auth/switch-organization', { method: 'POST', token: f.token, json: { organizationId: stranger.orgId } });
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual({ error: expect.any(String), code: 'NOT_FOUND' });
    const session = await t.request('/api/auth/session', { token: f.token });
    expect(session.body.organization.id).toBe(f.orgId);

    const malformed = await t.request('/api/auth/switch-organization', { method: 'POST', token: f.token, json: { organizationId: 'abc' } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('VALIDATION_ERROR');

    const anonymous = await t.request('/api/auth/switch-organization', { method: 'POST', json: { organizationId: f.orgId } });
    expect(anonymous.status).toBe(401);
    const key = await createApiKeyFixture(t, f);
    remember(key.key);
    const byKey = await t.request('/api/auth/switch-organization', { method: 'POST', token: key.key, json: { organizationId: f.orgId } });
    expect(byKey.status).toBe(403);
  });
});

describe('configuration', () => {
  it('REQUIRE_EMAIL_VERIFICATION=false: signup says the account is ready and login works unverified', async () => {
    const open = await startTestApp({ REQUIRE_EMAIL_VERIFICATION: 'false' });
    try {
      const email = uniqueEmail('open');
      const res = await open.request('/api/auth/signup', { method: 'POST', json: { email, password: PASSWORD, organizationName: 'Open' } });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ message: 'Your account is ready, you can log in now', user: { id: expect.any(String), email } });
      const logged = await open.request('/api/auth/login', { method: 'POST', json: { email, password: PASSWORD } });
      expect(logged.status).toBe(200);
      remember(logged.body.session.access_token);
      remember(logged.body.session.refresh_token);
      const outbox = await open.request('/api/dev/outbox');
      const texts = (outbox.body.messages as Array<{ text: string }>).map((m) => m.text).join('\n');
      for (const s of secrets) expect(open.logs.join('\n')).not.toContain(s);
      expect(texts).toContain('/verify-email?token=');
    } finally {
      await open.close();
    }
  });

  it('marks the cookie Secure in production', async () => {
    const prod = await startTestApp({ NODE_ENV: 'production' });
    try {
      const f = await createUserFixture(prod, { password: PASSWORD });
      const res = await prod.request('/api/auth/login', { method: 'POST', json: { email: f.email, password: PASSWORD, rememberMe: true } });
      expect(res.status).toBe(200);
      remember(res.body.session.access_token);
      remember(res.body.session.refresh_token);
      const cookie = cookieOf(res);
      expect(cookie.split('; ')).toEqual(expect.arrayContaining(['HttpOnly', 'Path=/', 'SameSite=Lax', 'Secure']));
      const logout = await prod.request('/api/auth/logout', { method: 'POST', token: res.body.session.access_token });
      expect(cookieOf(logout)).toMatch(/Secure/);
    } finally {
      await prod.close();
    }
  });
});

describe('logs', () => {
  it('never contain a password, token or key handled by these tests', () => {
    const text = t.logs.join('\n');
    expect(text).toContain('user signed up');
    expect(secrets.size).toBeGreaterThan(20);
    for (const s of secrets) expect(text).not.toContain(s);
    // Nor the hashes of tokens that a log line could have carried by mistake.
    for (const s of secrets) expect(text).not.toContain(sha256Hex(s));
  });
});
