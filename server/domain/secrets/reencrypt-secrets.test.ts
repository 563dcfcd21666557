// Key rotation: after SECRETS_ENCRYPTION_KEY changes (the old key in SECRETS_ENCRYPTION_PREVIOUS_KEYS),
// reencryptSecrets moves app secrets and deployment environments to the new key, so the old key can
// be dropped; running it again changes nothing.
import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appSecrets, deployments } from '../../../db/schema/index.ts';
import { buildApkg } from '../../apkg/testing/build-apkg.ts';
import { createUserFixture, startTestApp, type TestApp } from '../../test/harness.ts';
import { createSecretBox } from '../crypto/secret-box.ts';
import { readAppSecretValues } from './app-secret-rows.ts';
import { reencryptSecrets } from './reencrypt-secrets.ts';
import { readStoredEnv } from './resolve-deployment-env.ts';

const OLD_KEY = crypto.randomBytes(32).toString('base64');
const NEW_KEY = crypto.randomBytes(32).toString('base64');

describe('reencryptSecrets', () => {
  let t: TestApp;
  let appId: string;

  beforeAll(async () => {
    t = await startTestApp({ DEPLOYMENT_WORKER: 'off', SECRETS_ENCRYPTION_KEY: OLD_KEY });
    const { token } = await createUserFixture(t, { credits: 100 });
    appId = (await t.request('/api/agent-apps', { method: 'POST', token, json: { name: 'Rotation' } })).body.app.id;
    await t.request(`/api/agent-apps/${appId}/secrets`, { method: 'POST', token, json: { secrets: { A: 'alpha', B: 'beta' } } });
    const form = new FormData();
    form.append('version', '1.0.0');
    form.append('environment', JSON.stringify({ E: 'epsilon' }));
    form.append('file', new Blob([new Uint8Array(await buildApkg({ version: '1.0.0' }))]), 'agent.apkg');
    expect((await t.request(`/api/agent-apps/${appId}/packages/deploy`, { method: 'POST', token, body: form })).status).toBe(202);
  });
  afterAll(() => t.close());

  it('re-encrypts everything under the new key, then the old key is no longer needed', async () => {
    const rotating = createSecretBox(NEW_KEY, [OLD_KEY]);
    expect(await reencryptSecrets({ db: t.db, secrets: rotating })).toEqual({ appSecrets: 2, deploymentEnvironments: 1, failed: 0 });
    expect(await reencryptSecrets({ db: t.db, secrets: rotating })).toEqual({ appSecrets: 0, deploymentEnvironments: 0, failed: 0 });

    const newOnly = createSecretBox(NEW_KEY);
    expect({ ...(await readAppSecretValues(t.db, newOnly, appId)) }).toEqual({ A: 'alpha', B: 'beta' });
    const [d] = await t.db.select().from(deployments).where(eq(deployments.appId, appId));
    expect(readStoredEnv(newOnly, d.envEncrypted)).toEqual({ kind: 'request', values: { E: 'epsilon' } });
    for (const r of await t.db.select().from(appSecrets).where(eq(appSecrets.appId, appId))) expect(rotating.needsReencryption(r.valueEncrypted)).toBe(false);
  });

  it('counts values it cannot decrypt instead of failing', async () => {
    const unrelated = createSecretBox(crypto.randomBytes(32).toString('base64'));
    expect(await reencryptSecrets({ db: t.db, secrets: unrelated })).toEqual({ appSecrets: 0, deploymentEnvironments: 0, failed: 3 });
  });
});
