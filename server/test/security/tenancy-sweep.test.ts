// Issue 5 §3 — tenancy sweep: for every route that takes an id of an organization (path params, and
// the body and query fields route-table.ts names), the owner of organization B — through a session
// and through an API key — sends organization A's request (every id foreign), and B's own request
// with one id at a time replaced by A's. Each answer is 404 NOT_FOUND (a list filter may instead
// answer an empty list) and nothing changes anywhere; then A's owner sends the same request and
// succeeds, which proves the ids were real. Organization-wide reads never show the other
// organization's ids.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../harness.ts';
import { ROUTES, credentialsOf, getId, idsOf, isOpen, ownerRequest, splitKey, viasOf, withId } from './route-table.ts';
import {
  answered,
  changedTables,
  expectErrorShape,
  failedRequestLogs,
  fingerprint,
  makeWorld,
  newCheckout,
  newDelivery,
  newDeployment,
  newInvitation,
  newSecret,
  send,
  startSecurityApp,
  type Built,
  type World,
} from './world.ts';

let t: TestApp;
let w: World;

beforeAll(async () => {
  t = await startSecurityApp();
  w = await makeWorld(t);
});
afterAll(() => t.close());

const idRoutes = Object.entries(ROUTES)
  .map(([key, spec]) => ({ key, spec, ...splitKey(key), ids: idsOf(key, spec) }))
  .filter((r) => r.ids.length > 0 && !isOpen(r.spec));

describe('tenancy sweep: ids of another organization are 404 and change nothing', () => {
  it('covers every id route of the table', () => {
    expect(idRoutes.length).toBeGreaterThanOrEqual(30);
  });

  for (const { key, spec, method, path, ids } of idRoutes) {
    it(key, async () => {
      const ofA = await spec.build(w, w.a);
      const ofB = await spec.build(w, w.b);
      // Every id foreign, then each id foreign on its own inside B's otherwise valid request.
      const variants: Array<[string, Built]> = [['every id of A', ofA]];
      if (ids.length > 1) for (const where of ids) variants.push([`${where} of A`, withId(ofB, where, getId(ofA, where))]);
      const aIds = ids.map((where) => getId(ofA, where));

      const actors = await Promise.all(viasOf(spec).map(async (via) => [via, await credentialsOf(w, w.b.owner, spec, via)] as const));
      const before = await fingerprint(t);
      for (const [via, creds] of actors) {
        for (const [label, built] of variants) {
          const res = await send(t, method, path, built, creds);
          const ctx = `B's owner via ${via}, ${label}: ${res.text.slice(0, 200)}`;
          if (spec.listFilter && res.status === 200) {
            for (const id of aIds) expect(res.text, ctx).not.toContain(id);
            continue;
          }
          expect(res.status, ctx).toBe(404);
          expectErrorShape(res, 'NOT_FOUND');
        }
      }
      expect(changedTables(before, await fingerprint(t))).toEqual([]);

      // Control: the same request by A's owner succeeds.
      const { creds } = await ownerRequest(w, w.a, spec);
      const res = await send(t, method, path, ofA, creds);
      expect(res.status, res.text.slice(0, 200)).toBe(spec.ok);
      if (spec.listFilter) for (const id of aIds) expect(res.text).toContain(id);
    });
  }
});

describe("organization-wide reads never show another organization's data", () => {
  const reads = Object.entries(ROUTES)
    .map(([key, spec]) => ({ key, spec, ...splitKey(key) }))
    .filter((r) => r.method === 'GET' && r.spec.access.kind === 'org' && idsOf(r.key, r.spec).length === 0);

  it('B sees none of the ids of A (and A sees its own)', async () => {
    // Some of everything in A.
    const dep = await newDeployment(w, w.a);
    const delivery = await newDelivery(w, w.a);
    const secret = await newSecret(w, w.a);
    const checkout = await newCheckout(w, w.a);
    const invitation = await newInvitation(w, w.a);
    const aIds = [w.a.orgId, dep.appId, dep.deploymentId, dep.packageId, delivery.appId, delivery.webhookId, secret.appId, checkout, invitation.id, w.a.owner.keyId, w.a.admin.userId];
    expect(reads.length).toBeGreaterThanOrEqual(12);
    let seenByA = 0;
    for (const { key, spec, method, path } of reads) {
      const built = await spec.build(w, w.b);
      const res = await send(t, method, path, built, await credentialsOf(w, w.b.owner, spec, viasOf(spec)[0]));
      expect(res.status, key).toBe(200);
      for (const id of aIds) expect(res.text, `${key} shows ${id}`).not.toContain(id);
      const own = await send(t, method, path, await spec.build(w, w.a), await credentialsOf(w, w.a.owner, spec, viasOf(spec)[0]));
      if (aIds.some((id) => own.text.includes(id))) seenByA++;
    }
    expect(seenByA).toBeGreaterThanOrEqual(5); // the search is not vacuous
  });
});

describe('after the sweep', () => {
  it('no request was answered with a 5xx and no request failed in the logs', async () => {
    expect(answered.filter((a) => a.status >= 500)).toEqual([]);
    expect(failedRequestLogs(t)).toEqual([]);
    expect((await t.request('/api/health')).status).toBe(200);
  });
});
