// The tenancy × role matrix of the organization and API key routes: every id route, for every role
// (through a session and through an API key created by that role), against a resource of the actor's
// own organization and of another one. Each case asserts the status and that exactly the allowed
// change happened (with one audit row) — or that nothing changed at all.
import { and, count, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeys, auditLogs, invitations, memberships, type Role } from '../../db/schema/index.ts';
import { randomToken, sha256Hex } from '../domain/tokens.ts';
import { createApiKeyFixture, createUserFixture, startTestApp, uniqueEmail, type Fixture, type TestApp } from '../test/harness.ts';

const ROLES: Role[] = ['owner', 'admin', 'member'];
type OrgName = 'own' | 'other';
type Team = Record<Role, Fixture> & { keys: Record<Role, string> };

let t: TestApp;
let teams: Record<OrgName, Team>;

async function makeTeam(name: string): Promise<Team> {
  const owner = await createUserFixture(t, { orgName: name });
  const admin = await createUserFixture(t, { orgId: owner.orgId, role: 'admin' });
  const member = await createUserFixture(t, { orgId: owner.orgId, role: 'member' });
  const keys = {
    owner: (await createApiKeyFixture(t, owner, 'actor key')).key,
    admin: (await createApiKeyFixture(t, admin, 'actor key')).key,
    member: (await createApiKeyFixture(t, member, 'actor key')).key,
  };
  return { owner, admin, member, keys };
}

beforeAll(async () => {
  t = await startTestApp({ RATE_LIMIT_AUTHENTICATED_PER_HOUR: '100000', RATE_LIMIT_ANONYMOUS_PER_HOUR: '100000' });
  teams = { own: await makeTeam('Own org'), other: await makeTeam('Other org') };
});
afterAll(() => t.close());

type Target = { id: string; /** true once the route's effect is visible */ changed(): Promise<boolean> };
type TargetKind = {
  label: string;
  make(team: Team): Promise<Target>;
  /** Expected status for each actor role on a resource of the actor's own organization. */
  own: Record<Role, number>;
};
type RouteCase = { route: string; method: 'DELETE' | 'POST'; path(id: string): string; targets: TargetKind[] };

async function memberTarget(team: Team, role: Role): Promise<Target> {
  const f = await createUserFixture(t, { orgId: team.owner.orgId, role });
  return {
    id: f.userId,
    async changed() {
      const rows = await t.db.select().from(memberships).where(and(eq(memberships.orgId, team.owner.orgId), eq(memberships.userId, f.userId)));
      return rows.length === 0;
    },
  };
}

async function invitationTarget(team: Team): Promise<Target> {
  const [row] = await t.db
    .insert(invitations)
    .values({
      orgId: team.owner.orgId,
      email: uniqueEmail('matrix'),
      role: 'member',
      tokenHash: sha256Hex(randomToken()),
      invitedBy: team.owner.userId,
      expiresAt: new Date(Date.now() + 86_400_000),
    })
    .returning();
  return {
    id: row.id,
    async changed() {
      const [now] = await t.db.select().from(invitations).where(eq(invitations.id, row.id));
      return now.revokedAt !== null;
    },
  };
}

async function keyTarget(team: Team, creator: Role, effect: 'deleted' | 'rotated'): Promise<Target> {
  const key = await createApiKeyFixture(t, team[creator], 'target key');
  return {
    id: key.id,
    async changed() {
      const [row] = await t.db.select().from(apiKeys).where(eq(apiKeys.id, key.id));
      const works = (await t.request('/api/organizations/current', { token: key.key })).status === 200;
      if (effect === 'deleted') return row === undefined && !works;
      return row !== undefined && row.keyHash !== sha256Hex(key.key) && !works;
    },
  };
}

const keyTargets = (effect: 'deleted' | 'rotated'): TargetKind[] => [
  { label: "the owner's key", make: (team) => keyTarget(team, 'owner', effect), own: { owner: 200, admin: 200, member: 403 } },
  { label: "an admin's key", make: (team) => keyTarget(team, 'admin', effect), own: { owner: 200, admin: 200, member: 403 } },
  // created by the `member` fixture: the member actor's own key
  { label: "the member's key", make: (team) => keyTarget(team, 'member', effect), own: { owner: 200, admin: 200, member: 200 } },
];

const ROUTES: RouteCase[] = [
  {
    route: 'DELETE /api/organizations/members/:userId',
    method: 'DELETE',
    path: (id) => `/api/organizations/members/${id}`,
    targets: [
      { label: 'a member', make: (team) => memberTarget(team, 'member'), own: { owner: 200, admin: 200, member: 403 } },
      { label: 'an admin', make: (team) => memberTarget(team, 'admin'), own: { owner: 200, admin: 403, member: 403 } },
      { label: 'a co-owner', make: (team) => memberTarget(team, 'owner'), own: { owner: 403, admin: 403, member: 403 } },
    ],
  },
  {
    route: 'DELETE /api/organizations/invitations/:id',
    method: 'DELETE',
    path: (id) => `/api/organizations/invitations/${id}`,
    targets: [{ label: 'a pending invitation', make: invitationTarget, own: { owner: 200, admin: 200, member: 403 } }],
  },
  { route: 'DELETE /api/api-keys/:id', method: 'DELETE', path: (id) => `/api/api-keys/${id}`, targets: keyTargets('deleted') },
  { route: 'POST /api/api-keys/:id/rotate', method: 'POST', path: (id) => `/api/api-keys/${id}/rotate`, targets: keyTargets('rotated') },
];

async function auditCount(): Promise<number> {
  const orgIds = [teams.own.owner.orgId, teams.other.owner.orgId];
  const [row] = await t.db.select({ n: count() }).from(auditLogs).where(inArray(auditLogs.orgId, orgIds));
  return Number(row.n);
}

const EXPECTED_CODE: Record<number, string> = { 401: 'UNAUTHORIZED', 403: 'FORBIDDEN', 404: 'NOT_FOUND' };

describe.each(ROUTES)('$route', ({ method, path, targets }) => {
  for (const target of targets) {
    for (const org of ['own', 'other'] as const) {
      for (const role of ROLES) {
        for (const via of ['session', 'api key'] as const) {
          const expected = org === 'own' ? target.own[role] : 404;
          it(`${role} (${via}) on ${target.label} of the ${org} organization → ${expected}`, async () => {
            const actor = teams.own;
            const resource = await target.make(teams[org]);
            const before = await auditCount();
            const token = via === 'session' ? actor[role].token : actor.keys[role];
            const res = await t.request(path(resource.id), { method, token });
            expect(res.status).toBe(expected);
            if (expected === 200) {
              expect(await resource.changed()).toBe(true);
              expect(await auditCount()).toBe(before + 1);
            } else {
              expect(res.body).toEqual({ error: expect.any(String), code: EXPECTED_CODE[expected] });
              expect(await resource.changed()).toBe(false);
              expect(await auditCount()).toBe(before);
            }
          });
        }
      }
    }
    it(`anonymous on ${target.label} → 401, nothing changed`, async () => {
      const resource = await target.make(teams.own);
      const before = await auditCount();
      const res = await t.request(path(resource.id), { method });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: 'Invalid API key or session', code: 'UNAUTHORIZED' });
      expect(await resource.changed()).toBe(false);
      expect(await auditCount()).toBe(before);
    });
  }

  it('malformed and unknown ids → 404 for every role', async () => {
    for (const role of ROLES) {
      for (const id of ['not-a-uuid', '00000000-0000-4000-8000-000000000000', "1' or '1'='1"]) {
        const res = await t.request(path(encodeURIComponent(id)), { method, token: teams.own[role].token });
        expect(res.status).toBe(404);
        expect(res.body.code).toBe('NOT_FOUND');
      }
    }
  });
});

describe('organization-wide routes by role', () => {
  const cases: Array<{ route: string; method: string; path: string; json?: () => unknown; allowed: Role[]; status: number }> = [
    { route: 'PATCH /api/organizations/current', method: 'PATCH', path: '/api/organizations/current', json: () => ({ name: 'Own org' }), allowed: ['owner', 'admin'], status: 200 },
    {
      route: 'POST /api/organizations/members',
      method: 'POST',
      path: '/api/organizations/members',
      json: () => ({ email: uniqueEmail('matrix-invite'), role: 'member' }),
      allowed: ['owner', 'admin'],
      status: 201,
    },
    { route: 'GET /api/organizations/invitations', method: 'GET', path: '/api/organizations/invitations', allowed: ['owner', 'admin'], status: 200 },
    { route: 'GET /api/organizations/current', method: 'GET', path: '/api/organizations/current', allowed: ROLES, status: 200 },
    { route: 'GET /api/organizations/members', method: 'GET', path: '/api/organizations/members', allowed: ROLES, status: 200 },
    { route: 'GET /api/api-keys', method: 'GET', path: '/api/api-keys', allowed: ROLES, status: 200 },
    { route: 'POST /api/api-keys', method: 'POST', path: '/api/api-keys', json: () => ({ name: 'matrix' }), allowed: ROLES, status: 201 },
  ];
  for (const c of cases) {
    for (const role of ROLES) {
      for (const via of ['session', 'api key'] as const) {
        const expected = c.allowed.includes(role) ? c.status : 403;
        it(`${c.route}: ${role} (${via}) → ${expected}`, async () => {
          const before = await auditCount();
          const token = via === 'session' ? teams.own[role].token : teams.own.keys[role];
          const res = await t.request(c.path, { method: c.method, token, json: c.json?.() });
          expect(res.status).toBe(expected);
          const mutates = c.method !== 'GET';
          expect(await auditCount()).toBe(before + (mutates && expected < 300 ? 1 : 0));
        });
      }
    }
    it(`${c.route}: anonymous → 401`, async () => {
      const res = await t.request(c.path, { method: c.method, json: c.json?.() });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('UNAUTHORIZED');
    });
  }
});
