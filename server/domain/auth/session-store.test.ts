// Session validation on a real database: sliding expiry per kind of session, expired rows kept
// only while their refresh token is still valid, and the purge of rows that can never be used.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginFailures, memberships, sessions } from '../../../db/schema/index.ts';
import { createUserFixture, startTestApp, type TestApp } from '../../test/harness.ts';
import { sha256Hex } from '../tokens.ts';
import { purgeExpiredAuthRows } from './purge-expired-auth-rows.ts';
import { createUserSession, REMEMBER_SESSION_MS, SHORT_SESSION_MS, validateAccessToken } from './session-store.ts';

const HOUR = 60 * 60 * 1000;
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

async function newSession(rememberMe: boolean, now: Date) {
  const f = await createUserFixture(t);
  const s = await createUserSession(t.db, t.services.lucia, { userId: f.userId, activeOrgId: f.orgId, rememberMe, now });
  return { ...s, fixture: f };
}

const rowOf = async (token: string) => (await t.db.select().from(sessions).where(eq(sessions.id, sha256Hex(token))))[0];

describe('validateAccessToken', () => {
  it('resolves the user, organization and role, without extending a session in its first half', async () => {
    const now = new Date();
    const s = await newSession(false, now);
    const v = await validateAccessToken(t.db, t.services.lucia, s.accessToken, new Date(now.getTime() + HOUR));
    expect(v).toMatchObject({ userId: s.fixture.userId, activeOrgId: s.fixture.orgId, role: 'owner', rememberMe: false, fresh: false });
    expect(v!.expiresAt.getTime()).toBe(s.expiresAt.getTime());
  });

  it('slides a 24-hour session by 24 hours once less than half is left', async () => {
    const now = new Date();
    const s = await newSession(false, now);
    const later = new Date(now.getTime() + 13 * HOUR);
    const v = await validateAccessToken(t.db, t.services.lucia, s.accessToken, later);
    expect(v!.fresh).toBe(true);
    expect(v!.expiresAt.getTime()).toBe(later.getTime() + SHORT_SESSION_MS);
    expect((await rowOf(s.accessToken)).expiresAt.getTime()).toBe(later.getTime() + SHORT_SESSION_MS);
  });

  it('slides a remember-me session by 30 days', async () => {
    const now = new Date();
    const s = await newSession(true, now);
    expect(s.expiresAt.getTime()).toBe(now.getTime() + REMEMBER_SESSION_MS);
    const later = new Date(now.getTime() + 16 * 24 * HOUR);
    const v = await validateAccessToken(t.db, t.services.lucia, s.accessToken, later);
    expect(v!.fresh).toBe(true);
    expect(v!.expiresAt.getTime()).toBe(later.getTime() + REMEMBER_SESSION_MS);
  });

  it('refuses an expired session but keeps the row while the refresh token is valid', async () => {
    const now = new Date();
    const s = await newSession(false, now);
    const expired = new Date(s.expiresAt.getTime() + 1000);
    expect(await validateAccessToken(t.db, t.services.lucia, s.accessToken, expired)).toBeNull();
    expect(await rowOf(s.accessToken)).toBeDefined();
    const refreshGone = new Date(now.getTime() + 31 * 24 * HOUR);
    expect(await validateAccessToken(t.db, t.services.lucia, s.accessToken, refreshGone)).toBeNull();
    expect(await rowOf(s.accessToken)).toBeUndefined();
  });

  it('drops the organization when the membership is gone, and rejects junk tokens', async () => {
    const s = await newSession(false, new Date());
    await t.db.delete(memberships).where(eq(memberships.userId, s.fixture.userId));
    const v = await validateAccessToken(t.db, t.services.lucia, s.accessToken);
    expect(v).toMatchObject({ activeOrgId: null, role: null });
    expect(await validateAccessToken(t.db, t.services.lucia, '')).toBeNull();
    expect(await validateAccessToken(t.db, t.services.lucia, 'x'.repeat(500))).toBeNull();
    expect(await validateAccessToken(t.db, t.services.lucia, 'unknown')).toBeNull();
  });
});

describe('purgeExpiredAuthRows', () => {
  it('removes sessions only once both tokens have expired, and old login failures', async () => {
    const now = new Date();
    const live = await newSession(false, now);
    const lapsed = await newSession(false, now);
    const dead = await newSession(false, now);
    const past = new Date(now.getTime() - 1000);
    await t.db.update(sessions).set({ expiresAt: past }).where(eq(sessions.id, lapsed.sessionId));
    await t.db.update(sessions).set({ expiresAt: past, refreshExpiresAt: past }).where(eq(sessions.id, dead.sessionId));
    await t.db.insert(loginFailures).values([
      { email: 'purge@example.com', failedAt: new Date(now.getTime() - 16 * 60_000) },
      { email: 'purge@example.com', failedAt: now },
    ]);

    const purged = await purgeExpiredAuthRows(t.db, t.config, now);
    expect(purged.sessions).toBe(1);
    expect(purged.loginFailures).toBe(1);
    expect(await rowOf(live.accessToken)).toBeDefined();
    expect(await rowOf(lapsed.accessToken)).toBeDefined();
    expect(await rowOf(dead.accessToken)).toBeUndefined();
    expect(await t.db.select().from(loginFailures).where(eq(loginFailures.email, 'purge@example.com'))).toHaveLength(1);
  });
});
