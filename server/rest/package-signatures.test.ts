// Signed packages: an app with trusted OpenPGP keys accepts only deploys signed by one of them.
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApkg } from '../apkg/testing/build-apkg.ts';
import { createUserFixture, startTestApp, type Fixture, type TestApp } from '../test/harness.ts';

async function keyPair(name: string) {
  return openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name, email: `${name}@example.com` }], format: 'armored' });
}

async function sign(bytes: Buffer, armoredPrivateKey: string) {
  const privateKey = await openpgp.readPrivateKey({ armoredKey: armoredPrivateKey });
  const message = await openpgp.createMessage({ binary: new Uint8Array(bytes) });
  return (await openpgp.sign({ message, signingKeys: privateKey, detached: true, format: 'binary' })) as Uint8Array;
}

describe('package signatures', () => {
  let t: TestApp;
  let owner: Fixture;
  let appId: string;
  let trusted: Awaited<ReturnType<typeof keyPair>>;
  let stranger: Awaited<ReturnType<typeof keyPair>>;

  beforeAll(async () => {
    t = await startTestApp({ DEPLOYMENT_WORKER: 'off' });
    owner = await createUserFixture(t, { credits: 1000 });
    appId = (await t.request('/api/agent-apps', { method: 'POST', token: owner.token, json: { name: 'Signed' } })).body.app.id;
    [trusted, stranger] = await Promise.all([keyPair('trusted'), keyPair('stranger')]);
  });
  afterAll(() => t.close());

  const deploy = async (version: string, signature?: Uint8Array, bytes?: Buffer) => {
    const apkg = bytes ?? (await buildApkg({ version }));
    const form = new FormData();
    form.append('version', version);
    form.append('file', new Blob([new Uint8Array(apkg)]), 'agent.apkg');
    if (signature) form.append('signature', new Blob([new Uint8Array(signature)]), 'agent.apkg.sig');
    return t.request(`/api/agent-apps/${appId}/packages/deploy`, { method: 'POST', token: owner.token, body: form });
  };

  it('stores an unsigned or signed package as unverified while the app has no trusted keys', async () => {
    const apkg = await buildApkg({ version: '0.1.0' });
    const res = await deploy('0.1.0', await sign(apkg, stranger.privateKey), apkg);
    expect(res.status).toBe(202);
    const pkgs = await t.request(`/api/agent-apps/${appId}/packages`, { token: owner.token });
    expect(pkgs.body.packages[0].signature_status).toBe('unverified');
  });

  it('rejects unreadable or private keys when configuring trusted keys', async () => {
    const bad = await t.request(`/api/agent-apps/${appId}`, { method: 'PATCH', token: owner.token, json: { trusted_public_keys: ['-----BEGIN PGP PUBLIC KEY BLOCK-----\nnot a key\n-----END PGP PUBLIC KEY BLOCK-----'] } });
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].path).toBe('trusted_public_keys.0');
    const ok = await t.request(`/api/agent-apps/${appId}`, { method: 'PATCH', token: owner.token, json: { trusted_public_keys: [trusted.publicKey] } });
    expect(ok.status).toBe(200);
    expect(ok.body.app.trusted_public_keys).toHaveLength(1);
  });

  it('then requires a valid signature from a trusted key', async () => {
    const missing = await deploy('1.0.0');
    expect(missing.status).toBe(400);
    expect(missing.body.details[0]).toMatch(/^Signature required/);

    const apkg = await buildApkg({ version: '1.0.1' });
    const wrongKey = await deploy('1.0.1', await sign(apkg, stranger.privateKey), apkg);
    expect(wrongKey.status).toBe(400);
    expect(wrongKey.body.details[0]).toMatch(/^Signature verification failed/);

    const otherBytes = await deploy('1.0.1', await sign(Buffer.from('something else'), trusted.privateKey), apkg);
    expect(otherBytes.status).toBe(400);

    const good = await deploy('1.0.1', await sign(apkg, trusted.privateKey), apkg);
    expect(good.status).toBe(202);
    const pkgs = await t.request(`/api/agent-apps/${appId}/packages`, { token: owner.token });
    expect(pkgs.body.packages.find((p: { version: string }) => p.version === '1.0.1').signature_status).toBe('verified');
  });
});
