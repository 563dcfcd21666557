// Section 2 of the REST doc: organizations, members, invitations (and the tRPC org router that
// shares their domain functions).
import { and, eq } from 'drizzle-orm';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLogs, invitations, memberships, organizations, sessions, users } from '../../db/schema/index.ts';
import { sha256Hex } from '../domain/tokens.ts';
import { createApiKeyFixture, createUserFixture, startTestApp, uniqueEmail, type Fixture, type TestApp } from '../test/harness.ts';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const UNAUTHORIZED = { error: 'Invalid API key or session', code: 'UNAUTHORIZED' };

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

/** An organization with an owner, an admin and a member, each with a session. */
async function team(): Promise<{ owner: Fixture; admin: Fixture; member: Fixture }> {
  const owner = await createUserFixture(t, { orgName: 'Acme' });
  const admin = await createUserFixture(t, { orgId: owner.orgId, role: 'admin' });
  const member = await createUserFixture(t, { orgId: owner.orgId, role: 'member' });
  return { owner, admin, member };
}

async function latestMailTo(to: string) {
  const res = await t.request('/api/dev/outbox');
  expect(res.status).toBe(200);
  return (res.body.messages as Array<{ to: string; subject: string; text: string; html: string; created_at: string }>).find((m) => m.to === to);
}

function tokenFrom(text: string): string {
  const m = /\/accept-invitation\?token=([A-Za-z0-9_-]+)/.exec(text);
  if (!m) throw new Error(`no invitation link in: ${text}`);
  return m[1];
}

async function invite(by: Fixture, email: string, role: 'member' | 'admin' = 'member') {
  const res = await t.request('/api/organizations/members', { method: 'POST', token: by.token, json: { email, role } });
  expect(res.status).toBe(201);
  const mail = await latestMailTo(email.toLowerCase());
  return { invitation: res.body.invitation, token: tokenFrom(mail!.text) };
}

async function auditActions(orgId: string, action: string) {
  return t.db.select().from(auditLogs).where(and(eq(auditLogs.orgId, orgId), eq(auditLogs.action, action)));
}

async function trpc(path: string, input: unknown, opts: { token?: string; cookie?: string; query?: boolean } = {}) {
  const serialized = superjson.serialize(input);
  const res = opts.query
    ? await t.request(`/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify(serialized))}`, { token: opts.token, cookie: opts.cookie })
    : await t.request(`/api/trpc/${path}`, { method: 'POST', json: serialized, token: opts.token, cookie: opts.cookie });
  const data = res.body?.result ? superjson.deserialize(res.body.result.data) : undefined;
  return { ...res, data: data as any };
}

describe('GET /api/organizations/current', () => {
  it('answers the documented shape for a session (Bearer or cookie)', async () => {
    const owner = await createUserFixture(t, { orgName: 'My Company', credits: 1000 });
    const expected = {
      organization: { id: owner.orgId, name: 'My Company', credits: 1000, created_at: expect.stringMatching(ISO) },
      role: 'owner',
    };
    const viaBearer = await t.request('/api/organizations/current', { token: owner.token });
    expect(viaBearer.status).toBe(200);
    expect(viaBearer.body).toEqual(expected);
    const viaCookie = await t.request('/api/organizations/current', { cookie: owner.token });
    expect(viaCookie.status).toBe(200);
    expect(viaCookie.body).toEqual(expected);
  });

  it("acts in the API key's organization with its creator's role", async () => {
    const { owner, member } = await team();
    const other = await createUserFixture(t);
    const key = await createApiKeyFixture(t, member);
    const res = await t.request('/api/organizations/current', { token: key.key });
    expect(res.status).toBe(200);
    expect(res.body.organization.id).toBe(owner.orgId);
    expect(res.body.organization.id).not.toBe(other.orgId);
    expect(res.body.role).toBe('member');
  });

  it('is 401 without credentials, with a bad API key and with a bad session token', async () => {
    for (const token of [undefined, 'pac_notavalidkey', 'not-a-session']) {
      const res = await t.request('/api/organizations/current', { token });
      expect(res.status).toBe(401);
      expect(res.body).toEqual(UNAUTHORIZED);
    }
  });
});

describe('PATCH /api/organizations/current', () => {
  it('lets the owner and an admin rename (trimmed), with an audit row', async () => {
    const { owner, admin } = await team();
    const res = await t.request('/api/organizations/current', { method: 'PATCH', token: owner.token, json: { name: '  New Company Name  ' } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      organization: { id: owner.orgId, name: 'New Company Name', credits: 100, updated_at: expect.stringMatching(ISO) },
    });
    const byAdmin = await t.request('/api/organizations/current', { method: 'PATCH', token: admin.token, json: { name: 'Renamed by admin' } });
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body.organization.name).toBe('Renamed by admin');
    const current = await t.request('/api/organizations/current', { token: owner.token });
    expect(current.body.organization.name).toBe('Renamed by admin');
    const audit = await auditActions(owner.orgId, 'organization.update');
    expect(audit.map((a) => a.actorUserId).sort()).toEqual([owner.userId, admin.userId].sort());
    expect(audit.find((a) => a.actorUserId === owner.userId)?.metadata).toEqual({ name: { from: 'Acme', to: 'New Company Name' } });
  });

  it('is 403 FORBIDDEN for a member and changes nothing', async () => {
    const { owner, member } = await team();
    const res = await t.request('/api/organizations/current', { method: 'PATCH', token: member.token, json: { name: 'Hijacked' } });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ error: expect.any(String), code: 'FORBIDDEN' });
    const [org] = await t.db.select().from(organizations).where(eq(organizations.id, owner.orgId));
    expect(org.name).toBe('Acme');
  });

  it('validates the name (1–100 characters after trimming)', async () => {
    const owner = await createUserFixture(t);
    for (const name of ['   ', 'x'.repeat(101), 42]) {
      const res = await t.request('/api/organizations/current', { method: 'PATCH', token: owner.token, json: { name } });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_ERROR');
      expect(res.body.details).toEqual([{ path: 'name', message: expect.any(String) }]);
    }
    const exactly100 = await t.request('/api/organizations/current', { method: 'PATCH', token: owner.token, json: { name: 'y'.repeat(100) } });
    expect(exactly100.status).toBe(200);
  });

  it('is 401 without credentials', async () => {
    const res = await t.request('/api/organizations/current', { method: 'PATCH', json: { name: 'x' } });
    expect(res.status).toBe(401);
    expect(res.body).toEqual(UNAUTHORIZED);
  });
});

describe('GET /api/organizations/members', () => {
  it('lists the members of the current organization only, in the documented shape', async () => {
    const { owner, admin, member } = await team();
    await createUserFixture(t); // another organization
    const res = await t.request('/api/organizations/members', { token: member.token });
    expect(res.status).toBe(200);
    expect(res.body.members).toHaveLength(3);
    const byUser = Object.fromEntries(res.body.members.map((m: any) => [m.user_id, m]));
    expect(byUser[owner.userId]).toEqual({ id: expect.stringMatching(UUID), user_id: owner.userId, email: owner.email, role: 'owner', joined_at: expect.stringMatching(ISO) });
    expect(byUser[admin.userId].role).toBe('admin');
    expect(byUser[member.userId].role).toBe('member');
    const [m] = await t.db.select().from(memberships).where(eq(memberships.userId, owner.userId));
    expect(byUser[owner.userId].id).toBe(m.id);
  });

  it('is 401 without credentials', async () => {
    const res = await t.request('/api/organizations/members');
    expect(res.status).toBe(401);
  });
});

describe('POST /api/organizations/members (invite)', () => {
  it('creates a 7-day invitation and mails an absolute link; only the token hash is stored', async () => {
    const { owner } = await team();
    const email = uniqueEmail('invitee');
    const before = Date.now();
    const res = await t.request('/api/organizations/members', { method: 'POST', token: owner.token, json: { email: `  ${email.toUpperCase()} `, role: 'member' } });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ invitation: { id: expect.stringMatching(UUID), email, role: 'member', expires_at: expect.stringMatching(ISO) } });
    const expires = Date.parse(res.body.invitation.expires_at);
    expect(expires - before).toBeGreaterThanOrEqual(7 * 24 * 3600 * 1000 - 1000);
    expect(expires - Date.now()).toBeLessThanOrEqual(7 * 24 * 3600 * 1000 + 1000);

    const mail = await latestMailTo(email);
    expect(mail).toBeDefined();
    expect(mail!.subject).toContain('Acme');
    expect(mail!.text).toContain(`${t.config.publicUrl}/accept-invitation?token=`);
    expect(mail!.html).toContain(`${t.config.publicUrl}/accept-invitation?token=`);
    expect(mail!.text).toContain(owner.email);
    const token = tokenFrom(mail!.text);
    const [row] = await t.db.select().from(invitations).where(eq(invitations.id, res.body.invitation.id));
    expect(row.tokenHash).toBe(sha256Hex(token));
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row.invitedBy).toBe(owner.userId);
    const audit = await auditActions(owner.orgId, 'invitation.create');
    expect(audit).toHaveLength(1);
    expect(audit[0].resourceId).toBe(row.id);
  });

  it('lets an admin invite members and admins; a member gets 403', async () => {
    const { admin, member } = await team();
    const asAdmin = await t.request('/api/organizations/members', { method: 'POST', token: admin.token, json: { email: uniqueEmail(), role: 'admin' } });
    expect(asAdmin.status).toBe(201);
    expect(asAdmin.body.invitation.role).toBe('admin');
    const email = uniqueEmail();
    const asMember = await t.request('/api/organizations/members', { method: 'POST', token: member.token, json: { email, role: 'member' } });
    expect(asMember.status).toBe(403);
    expect(asMember.body.code).toBe('FORBIDDEN');
    expect(await latestMailTo(email)).toBeUndefined();
  });

  it('is 409 for someone who is already a member (any letter case)', async () => {
    const { owner, member } = await team();
    const res = await t.request('/api/organizations/members', { method: 'POST', token: owner.token, json: { email: member.email.toUpperCase(), role: 'member' } });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('CONFLICT');
  });

  it('replaces an open invitation for the same email: the old link stops working', async () => {
    const { owner } = await team();
    const email = uniqueEmail();
    const first = await invite(owner, email, 'member');
    const second = await invite(owner, email, 'admin');
    expect(second.invitation.id).not.toBe(first.invitation.id);
    expect(second.token).not.toBe(first.token);
    const old = await t.request(`/api/invitations/${first.token}`);
    expect(old.status).toBe(400);
    expect(old.body.code).toBe('INVALID_TOKEN');
    const current = await t.request(`/api/invitations/${second.token}`);
    expect(current.status).toBe(200);
    expect(current.body.invitation.role).toBe('admin');
    const list = await t.request('/api/organizations/invitations', { token: owner.token });
    expect(list.body.invitations.filter((i: any) => i.email === email)).toHaveLength(1);
  });

  it('validates email and role (owner cannot be invited)', async () => {
    const owner = await createUserFixture(t);
    const bad = [
      { email: 'not-an-email', role: 'member' },
      { email: uniqueEmail(), role: 'owner' },
      { email: uniqueEmail() },
    ];
    for (const json of bad) {
      const res = await t.request('/api/organizations/members', { method: 'POST', token: owner.token, json });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_ERROR');
    }
  });

  it('works with an owner API key', async () => {
    const owner = await createUserFixture(t);
    const key = await createApiKeyFixture(t, owner);
    const res = await t.request('/api/organizations/members', { method: 'POST', token: key.key, json: { email: uniqueEmail(), role: 'member' } });
    expect(res.status).toBe(201);
    const [row] = await t.db.select().from(invitations).where(eq(invitations.id, res.body.invitation.id));
    expect(row.orgId).toBe(owner.orgId);
    const [audit] = await auditActions(owner.orgId, 'invitation.create');
    expect(audit.actorApiKeyId).toBe(key.id);
  });
});

describe('GET /api/organizations/invitations and DELETE /api/organizations/invitations/:id', () => {
  it('lists pending invitations only, newest first, with the inviter', async () => {
    const { owner, admin, member } = await team();
    const a = await invite(owner, uniqueEmail());
    const b = await invite(admin, uniqueEmail(), 'admin');
    const expired = await invite(owner, uniqueEmail());
    await t.db.update(invitations).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(invitations.id, expired.invitation.id));
    const revoked = await invite(owner, uniqueEmail());
    expect((await t.request(`/api/organizations/invitations/${revoked.invitation.id}`, { method: 'DELETE', token: owner.token })).status).toBe(200);

    const res = await t.request('/api/organizations/invitations', { token: admin.token });
    expect(res.status).toBe(200);
    expect(res.body.invitations.map((i: any) => i.id)).toEqual([b.invitation.id, a.invitation.id]);
    expect(res.body.invitations[0]).toEqual({
      id: b.invitation.id,
      email: b.invitation.email,
      role: 'admin',
      expires_at: b.invitation.expires_at,
      created_at: expect.stringMatching(ISO),
      invited_by: { id: admin.userId, email: admin.email },
    });
    const asMember = await t.request('/api/organizations/invitations', { token: member.token });
    expect(asMember.status).toBe(403);
  });

  it('revokes: the link stops working, a second revoke is 404, an audit row is written', async () => {
    const { owner } = await team();
    const inv = await invite(owner, uniqueEmail());
    const res = await t.request(`/api/organizations/invitations/${inv.invitation.id}`, { method: 'DELETE', token: owner.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ message: 'Invitation revoked successfully' });
    const info = await t.request(`/api/invitations/${inv.token}`);
    expect(info.status).toBe(400);
    expect(info.body.code).toBe('INVALID_TOKEN');
    const accept = await t.request('/api/invitations/accept', { method: 'POST', json: { token: inv.token, password: 'long enough password' } });
    expect(accept.status).toBe(400);
    expect(accept.body.code).toBe('INVALID_TOKEN');
    const again = await t.request(`/api/organizations/invitations/${inv.invitation.id}`, { method: 'DELETE', token: owner.token });
    expect(again.status).toBe(404);
    expect((await auditActions(owner.orgId, 'invitation.revoke')).map((a) => a.resourceId)).toEqual([inv.invitation.id]);
  });

  it('is 404 for unknown and malformed ids', async () => {
    const owner = await createUserFixture(t);
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const res = await t.request(`/api/organizations/invitations/${id}`, { method: 'DELETE', token: owner.token });
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('NOT_FOUND');
    }
  });
});

describe('invitation acceptance', () => {
  it('creates a verified account for a new email, joins, logs in and sets the session cookie', async () => {
    const { owner } = await team();
    const email = uniqueEmail('newcomer');
    const inv = await invite(owner, email, 'admin');

    const info = await t.request(`/api/invitations/${inv.token}`);
    expect(info.status).toBe(200);
    expect(info.body).toEqual({
      invitation: { organization_name: 'Acme', email, role: 'admin', expires_at: inv.invitation.expires_at, account_exists: false },
    });

    const noPassword = await t.request('/api/invitations/accept', { method: 'POST', json: { token: inv.token } });
    expect(noPassword.status).toBe(400);
    expect(noPassword.body.code).toBe('VALIDATION_ERROR');
    expect(noPassword.body.details).toEqual([{ path: 'password', message: expect.any(String) }]);
    const shortPassword = await t.request('/api/invitations/accept', { method: 'POST', json: { token: inv.token, password: 'short' } });
    expect(shortPassword.status).toBe(400);

    // A stale cookie from an earlier session does not get in the way (one Set-Cookie, the new session).
    const res = await t.request('/api/invitations/accept', { method: 'POST', cookie: 'stale-session-token', json: { token: inv.token, password: 'a long enough password' } });
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie()).toHaveLength(1);
    expect(res.body).toEqual({
      user: { id: expect.stringMatching(UUID), email, created_at: expect.stringMatching(ISO) },
      session: { access_token: expect.any(String), refresh_token: expect.any(String), expires_in: expect.any(Number) },
    });
    expect(res.body.session.expires_in).toBeGreaterThan(3600);
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/pixell_session=[^;]+/);
    expect(setCookie.toLowerCase()).toContain('httponly');
    const cookieToken = decodeURIComponent(/pixell_session=([^;]+)/.exec(setCookie)![1]);

    for (const auth of [{ token: res.body.session.access_token }, { cookie: cookieToken }]) {
      const current = await t.request('/api/organizations/current', auth);
      expect(current.status).toBe(200);
      expect(current.body.organization.id).toBe(owner.orgId);
      expect(current.body.role).toBe('admin');
    }
    const [user] = await t.db.select().from(users).where(eq(users.email, email));
    expect(user.emailVerifiedAt).not.toBeNull();
    expect(user.defaultOrgId).toBe(owner.orgId);

    const reuse = await t.request('/api/invitations/accept', { method: 'POST', json: { token: inv.token, password: 'a long enough password' } });
    expect(reuse.status).toBe(400);
    expect(reuse.body.code).toBe('INVALID_TOKEN');
    expect((await t.request(`/api/invitations/${inv.token}`)).status).toBe(400);
    const audit = await auditActions(owner.orgId, 'invitation.accept');
    expect(audit).toHaveLength(1);
    expect(audit[0].actorUserId).toBe(user.id);
    const pending = await t.request('/api/organizations/invitations', { token: owner.token });
    expect(pending.body.invitations).toEqual([]);
  });

  it('for an existing account, requires that user signed in, joins and switches the session', async () => {
    const { owner } = await team();
    const invitee = await createUserFixture(t, { orgName: 'Invitee home' });
    const stranger = await createUserFixture(t);
    const inv = await invite(owner, invitee.email, 'member');

    const info = await t.request(`/api/invitations/${inv.token}`);
    expect(info.body.invitation.account_exists).toBe(true);

    const anonymous = await t.request('/api/invitations/accept', { method: 'POST', json: { token: inv.token, password: 'whatever password' } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.code).toBe('UNAUTHORIZED');
    const wrongUser = await t.request('/api/invitations/accept', { method: 'POST', token: stranger.token, json: { token: inv.token } });
    expect(wrongUser.status).toBe(403);
    const inviteeKey = await createApiKeyFixture(t, invitee);
    const viaKey = await t.request('/api/invitations/accept', { method: 'POST', token: inviteeKey.key, json: { token: inv.token } });
    expect(viaKey.status).toBe(403);
    const [stillOpen] = await t.db.select().from(invitations).where(eq(invitations.id, inv.invitation.id));
    expect(stillOpen.acceptedAt).toBeNull();

    const res = await t.request('/api/invitations/accept', { method: 'POST', cookie: invitee.token, json: { token: inv.token } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      user: { id: invitee.userId, email: invitee.email, created_at: expect.stringMatching(ISO) },
      organization: { id: owner.orgId, name: 'Acme' },
      role: 'member',
    });
    const current = await t.request('/api/organizations/current', { token: invitee.token });
    expect(current.body.organization.id).toBe(owner.orgId);
    expect(current.body.role).toBe('member');
    // still a member of their own organization
    const own = await t.db.select().from(memberships).where(eq(memberships.userId, invitee.userId));
    expect(own.map((m) => m.orgId).sort()).toEqual([owner.orgId, invitee.orgId].sort());
    const reuse = await t.request('/api/invitations/accept', { method: 'POST', token: invitee.token, json: { token: inv.token } });
    expect(reuse.status).toBe(400);
  });

  it('rejects expired and unknown tokens with 400 INVALID_TOKEN', async () => {
    const { owner } = await team();
    const inv = await invite(owner, uniqueEmail());
    await t.db.update(invitations).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(invitations.id, inv.invitation.id));
    for (const token of [inv.token, 'unknown-token']) {
      const info = await t.request(`/api/invitations/${token}`);
      expect(info.status).toBe(400);
      expect(info.body).toEqual({ error: expect.any(String), code: 'INVALID_TOKEN' });
      const accept = await t.request('/api/invitations/accept', { method: 'POST', json: { token, password: 'long enough password' } });
      expect(accept.status).toBe(400);
      expect(accept.body.code).toBe('INVALID_TOKEN');
    }
    const [row] = await t.db.select().from(users).where(eq(users.email, inv.invitation.email));
    expect(row).toBeUndefined();
  });

  it('is single-use under concurrency: two simultaneous accepts, one account', async () => {
    const { owner } = await team();
    const email = uniqueEmail('race');
    const inv = await invite(owner, email);
    const results = await Promise.all(
      [1, 2].map(() => t.request('/api/invitations/accept', { method: 'POST', json: { token: inv.token, password: 'a long enough password' } })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 400]);
    expect(await t.db.select().from(users).where(eq(users.email, email))).toHaveLength(1);
  });

  it('tRPC acceptInvitation sets the session cookie when it creates the account', async () => {
    const { owner } = await team();
    const email = uniqueEmail();
    const inv = await invite(owner, email);
    const info = await trpc('org.invitationInfo', { token: inv.token }, { query: true });
    expect(info.status).toBe(200);
    expect(info.data).toEqual({ organizationName: 'Acme', email, role: 'member', expiresAt: expect.any(Date), accountExists: false });
    const res = await trpc('org.acceptInvitation', { token: inv.token, password: 'a long enough password' });
    expect(res.status).toBe(200);
    expect(res.data).toEqual({
      user: { id: expect.stringMatching(UUID), email, createdAt: expect.any(Date) },
      organization: { id: owner.orgId, name: 'Acme' },
      role: 'member',
      createdAccount: true,
    });
    const cookie = decodeURIComponent(/pixell_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')![1]);
    const current = await t.request('/api/organizations/current', { cookie });
    expect(current.body.organization.id).toBe(owner.orgId);
  });
});

describe('DELETE /api/organizations/members/:userId', () => {
  it('lets the owner remove a member: sessions lose the org, their API keys are deleted', async () => {
    const { owner, member } = await team();
    const memberKey = await createApiKeyFixture(t, member, 'member key');
    const ownerKey = await createApiKeyFixture(t, owner, 'owner key');
    const res = await t.request(`/api/organizations/members/${member.userId}`, { method: 'DELETE', token: owner.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ message: 'Member removed successfully' });

    const [session] = await t.db.select().from(sessions).where(eq(sessions.userId, member.userId));
    expect(session.activeOrgId).toBeNull();
    const asRemoved = await t.request('/api/organizations/current', { token: member.token });
    expect(asRemoved.status).toBe(403);
    const removedKey = await t.request('/api/organizations/current', { token: memberKey.key });
    expect(removedKey.status).toBe(401);
    expect(removedKey.body).toEqual(UNAUTHORIZED);
    expect((await t.request('/api/organizations/current', { token: ownerKey.key })).status).toBe(200);
    const members = await t.request('/api/organizations/members', { token: owner.token });
    expect(members.body.members.map((m: any) => m.user_id)).not.toContain(member.userId);
    const [audit] = await auditActions(owner.orgId, 'member.remove');
    expect(audit.resourceId).toBe(member.userId);
    expect(audit.actorUserId).toBe(owner.userId);
    expect(audit.metadata).toMatchObject({ deletedApiKeys: [memberKey.id] });
    const [user] = await t.db.select().from(users).where(eq(users.id, member.userId));
    expect(user.defaultOrgId).toBeNull();
  });

  it('applies the role rules', async () => {
    const { owner, admin, member } = await team();
    const member2 = await createUserFixture(t, { orgId: owner.orgId, role: 'member' });
    const admin2 = await createUserFixture(t, { orgId: owner.orgId, role: 'admin' });
    const cases: Array<[Fixture, Fixture, number]> = [
      [member, member2, 403], // members remove nobody
      [member, admin, 403],
      [member, owner, 403],
      [admin, admin2, 403], // admins remove members only
      [admin, owner, 403], // nobody removes the owner
      [admin, member2, 200],
      [owner, admin2, 200], // the owner removes anyone else
    ];
    for (const [actor, target, status] of cases) {
      const res = await t.request(`/api/organizations/members/${target.userId}`, { method: 'DELETE', token: actor.token });
      expect({ actor: actor.role, target: target.role, status: res.status }).toEqual({ actor: actor.role, target: target.role, status });
      const rows = await t.db.select().from(memberships).where(and(eq(memberships.orgId, owner.orgId), eq(memberships.userId, target.userId)));
      expect(rows).toHaveLength(status === 200 ? 0 : 1);
    }
  });

  it('lets anyone leave, except the last owner (409)', async () => {
    const { owner, admin, member } = await team();
    const leaveMember = await t.request(`/api/organizations/members/${member.userId}`, { method: 'DELETE', token: member.token });
    expect(leaveMember.status).toBe(200);
    const leaveAdmin = await t.request(`/api/organizations/members/${admin.userId}`, { method: 'DELETE', token: admin.token });
    expect(leaveAdmin.status).toBe(200);
    expect((await auditActions(owner.orgId, 'member.leave')).map((a) => a.resourceId).sort()).toEqual([member.userId, admin.userId].sort());

    const lastOwner = await t.request(`/api/organizations/members/${owner.userId}`, { method: 'DELETE', token: owner.token });
    expect(lastOwner.status).toBe(409);
    expect(lastOwner.body.code).toBe('CONFLICT');
    const rows = await t.db.select().from(memberships).where(eq(memberships.orgId, owner.orgId));
    expect(rows.map((r) => r.userId)).toEqual([owner.userId]);

    // with a second owner, one of them may leave; the other still cannot remove them
    const coOwner = await createUserFixture(t, { orgId: owner.orgId, role: 'owner' });
    const removeOther = await t.request(`/api/organizations/members/${coOwner.userId}`, { method: 'DELETE', token: owner.token });
    expect(removeOther.status).toBe(403);
    const leave = await t.request(`/api/organizations/members/${owner.userId}`, { method: 'DELETE', token: owner.token });
    expect(leave.status).toBe(200);
    const coOwnerLeaves = await t.request(`/api/organizations/members/${coOwner.userId}`, { method: 'DELETE', token: coOwner.token });
    expect(coOwnerLeaves.status).toBe(409);
  });

  it('two owners leaving at the same time: exactly one succeeds', async () => {
    const owner = await createUserFixture(t);
    const coOwner = await createUserFixture(t, { orgId: owner.orgId, role: 'owner' });
    const results = await Promise.all(
      [owner, coOwner].map((o) => t.request(`/api/organizations/members/${o.userId}`, { method: 'DELETE', token: o.token })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const owners = await t.db.select().from(memberships).where(and(eq(memberships.orgId, owner.orgId), eq(memberships.role, 'owner')));
    expect(owners).toHaveLength(1);
  });

  it('is 404 for unknown ids, malformed ids and users of another organization', async () => {
    const { owner } = await team();
    const outsider = await createUserFixture(t);
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid', outsider.userId]) {
      const res = await t.request(`/api/organizations/members/${id}`, { method: 'DELETE', token: owner.token });
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('NOT_FOUND');
    }
    expect(await t.db.select().from(memberships).where(eq(memberships.userId, outsider.userId))).toHaveLength(1);
  });

  it('is 401 without credentials', async () => {
    const owner = await createUserFixture(t);
    const res = await t.request(`/api/organizations/members/${owner.userId}`, { method: 'DELETE' });
    expect(res.status).toBe(401);
    expect(res.body).toEqual(UNAUTHORIZED);
  });
});

describe('tRPC org router', () => {
  it('org.create makes another organization with 0 credits and switches the session to it', async () => {
    const owner = await createUserFixture(t, { orgName: 'First' });
    const res = await trpc('org.create', { name: '  Second org ' }, { token: owner.token });
    expect(res.status).toBe(200);
    expect(res.data).toEqual({
      organization: { id: expect.stringMatching(UUID), name: 'Second org', credits: 0, createdAt: expect.any(Date), updatedAt: expect.any(Date) },
      role: 'owner',
    });
    const current = await t.request('/api/organizations/current', { token: owner.token });
    expect(current.body.organization).toMatchObject({ id: res.data.organization.id, name: 'Second org', credits: 0 });
    expect(current.body.role).toBe('owner');
    const rows = await t.db.select().from(memberships).where(eq(memberships.userId, owner.userId));
    expect(rows).toHaveLength(2);
    expect(await auditActions(res.data.organization.id, 'organization.create')).toHaveLength(1);

    const key = await createApiKeyFixture(t, owner);
    const viaKey = await trpc('org.create', { name: 'Nope' }, { token: key.key });
    expect(viaKey.status).toBe(403);
    const anonymous = await trpc('org.create', { name: 'Nope' });
    expect(anonymous.status).toBe(401);
    const invalid = await trpc('org.create', { name: '' }, { token: owner.token });
    expect(invalid.status).toBe(400);
  });

  it('returns camelCase objects with dates and maps domain errors', async () => {
    const { owner, member } = await team();
    const members = await trpc('org.members', undefined, { token: owner.token, query: true });
    expect(members.status).toBe(200);
    expect(members.data).toHaveLength(3);
    expect(members.data[0]).toEqual({ id: expect.stringMatching(UUID), userId: owner.userId, email: owner.email, role: 'owner', joinedAt: expect.any(Date) });

    const invited = await trpc('org.invite', { email: uniqueEmail(), role: 'member' }, { token: owner.token });
    expect(invited.status).toBe(200);
    const list = await trpc('org.invitations', undefined, { token: owner.token, query: true });
    expect(list.data).toEqual([
      {
        id: invited.data.invitation.id,
        email: invited.data.invitation.email,
        role: 'member',
        expiresAt: expect.any(Date),
        createdAt: expect.any(Date),
        invitedBy: { id: owner.userId, email: owner.email },
      },
    ]);
    const denied = await trpc('org.update', { name: 'X' }, { token: member.token });
    expect(denied.status).toBe(403);
    expect(denied.body.error.json.data.appCode).toBe('FORBIDDEN');
    const revoked = await trpc('org.revokeInvitation', { id: invited.data.invitation.id }, { token: owner.token });
    expect(revoked.status).toBe(200);
    const removed = await trpc('org.removeMember', { userId: member.userId }, { token: owner.token });
    expect(removed.status).toBe(200);
    const notFound = await trpc('org.removeMember', { userId: member.userId }, { token: owner.token });
    expect(notFound.status).toBe(404);
  });
});
