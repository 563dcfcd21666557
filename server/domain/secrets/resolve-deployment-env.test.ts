// resolveDeploymentEnv: the upload's environment over the app's secrets, snapshotted on the first run;
// a resumed run reuses its snapshot, a rollback reuses the copied one, a redeploy refreshes secrets,
// and rows written before snapshots existed (raw environment) still work.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployments } from '../../../db/schema/index.ts';
import { buildApkg } from '../../apkg/testing/build-apkg.ts';
import { createUserFixture, startTestApp, type TestApp } from '../../test/harness.ts';
import { readStoredEnv, resolveDeploymentEnv } from './resolve-deployment-env.ts';

describe('resolveDeploymentEnv', () => {
  let t: TestApp;
  let token: string;
  let appId: string;
  let deploymentId: string;

  beforeAll(async () => {
    t = await startTestApp({ DEPLOYMENT_WORKER: 'off' });
    token = (await createUserFixture(t, { credits: 100 })).token;
    appId = (await t.request('/api/agent-apps', { method: 'POST', token, json: { name: 'Resolver' } })).body.app.id;
    await t.request(`/api/agent-apps/${appId}/secrets`, { method: 'POST', token, json: { secrets: { SHARED: 'from-secret', ONLY_SECRET: 's1' } } });
    const form = new FormData();
    form.append('version', '1.0.0');
    form.append('environment', JSON.stringify({ SHARED: 'from-upload', ONLY_UPLOAD: 'u1' }));
    form.append('file', new Blob([new Uint8Array(await buildApkg({ version: '1.0.0' }))]), 'agent.apkg');
    deploymentId = (await t.request(`/api/agent-apps/${appId}/packages/deploy`, { method: 'POST', token, body: form })).body.deployment.id;
    await t.db.update(deployments).set({ status: 'processing' }).where(eq(deployments.id, deploymentId));
  });
  afterAll(() => t.close());

  const row = async () => (await t.db.select().from(deployments).where(eq(deployments.id, deploymentId)))[0];
  const setSecrets = (secrets: Record<string, string>) => t.request(`/api/agent-apps/${appId}/secrets`, { method: 'POST', token, json: { secrets } });

  it('merges the upload environment over the secrets and records a snapshot', async () => {
    const before = await row();
    expect(readStoredEnv(t.services.secrets, before.envEncrypted)).toEqual({ kind: 'request', values: { SHARED: 'from-upload', ONLY_UPLOAD: 'u1' } });
    const resolved = await resolveDeploymentEnv(t.services, before);
    expect({ ...resolved.env }).toEqual({ ONLY_SECRET: 's1', ONLY_UPLOAD: 'u1', SHARED: 'from-upload' });
    expect({ ...resolved.envSources }).toEqual({ ONLY_SECRET: 'secret', ONLY_UPLOAD: 'deployment', SHARED: 'deployment' });
    const stored = readStoredEnv(t.services.secrets, (await row()).envEncrypted);
    expect(stored).toEqual({
      kind: 'snapshot',
      snapshot: { $pixell_env: 1, deploymentId, values: { ONLY_SECRET: 's1', ONLY_UPLOAD: 'u1', SHARED: 'from-upload' }, sources: { ONLY_SECRET: 'secret', ONLY_UPLOAD: 'deployment', SHARED: 'deployment' } },
    });
  });

  it('reuses its own snapshot when the run resumes, even if the secrets changed meanwhile', async () => {
    await setSecrets({ ONLY_SECRET: 's2', NEW_SECRET: 'n2' });
    const resumed = await resolveDeploymentEnv(t.services, await row());
    expect({ ...resumed.env }).toEqual({ ONLY_SECRET: 's1', ONLY_UPLOAD: 'u1', SHARED: 'from-upload' });
  });

  it('a rollback reuses a copied snapshot; a redeploy keeps the upload part and takes the current secrets', async () => {
    const copied = (await row()).envEncrypted;
    const other = { id: crypto.randomUUID(), appId, envEncrypted: copied };
    const rollback = await resolveDeploymentEnv(t.services, { ...other, kind: 'rollback' });
    expect({ ...rollback.env }).toEqual({ ONLY_SECRET: 's1', ONLY_UPLOAD: 'u1', SHARED: 'from-upload' });
    const redeploy = await resolveDeploymentEnv(t.services, { ...other, kind: 'redeploy' });
    expect({ ...redeploy.env }).toEqual({ NEW_SECRET: 'n2', ONLY_SECRET: 's2', ONLY_UPLOAD: 'u1', SHARED: 'from-upload' });
    expect({ ...redeploy.envSources }).toEqual({ NEW_SECRET: 'secret', ONLY_SECRET: 'secret', ONLY_UPLOAD: 'deployment', SHARED: 'deployment' });
  });

  it('treats a raw environment (written before snapshots existed, or none) as the upload part', async () => {
    const legacy = { id: crypto.randomUUID(), appId, kind: 'rollback' as const, envEncrypted: t.services.secrets.encrypt(JSON.stringify({ OLD: 'o' })) };
    expect({ ...(await resolveDeploymentEnv(t.services, legacy)).env }).toEqual({ NEW_SECRET: 'n2', OLD: 'o', ONLY_SECRET: 's2' });
    const none = await resolveDeploymentEnv(t.services, { ...legacy, envEncrypted: null });
    expect({ ...none.env }).toEqual({ NEW_SECRET: 'n2', ONLY_SECRET: 's2' });
  });
});
