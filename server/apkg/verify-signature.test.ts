import crypto from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeApkg } from './testing/build-apkg.ts';
import { verifyDetachedSignature } from './verify-signature.ts';

interface TestKey {
  publicKey: string;
  privateKey: openpgp.PrivateKey;
  keyId: string;
  fingerprint: string;
}

async function makeKey(name: string): Promise<TestKey> {
  const { publicKey, privateKey } = await openpgp.generateKey({
    userIDs: [{ name, email: `${name}@example.com` }],
    format: 'armored',
  });
  const priv = await openpgp.readPrivateKey({ armoredKey: privateKey });
  return {
    publicKey,
    privateKey: priv,
    keyId: priv.getKeyID().toHex().toUpperCase(),
    fingerprint: priv.getFingerprint().toUpperCase(),
  };
}

async function signBinary(bytes: Uint8Array, key: TestKey): Promise<Uint8Array> {
  const message = await openpgp.createMessage({ binary: bytes });
  return openpgp.sign({ message, signingKeys: key.privateKey, detached: true, format: 'binary' });
}

async function signArmored(bytes: Uint8Array, key: TestKey): Promise<Uint8Array> {
  const message = await openpgp.createMessage({ binary: bytes });
  const armored = await openpgp.sign({ message, signingKeys: key.privateKey, detached: true });
  return new TextEncoder().encode(armored);
}

let dir: string;
let pkgPath: string;
let pkgBytes: Uint8Array;
let alice: TestKey;
let bob: TestKey;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'apkg-sig-'));
  pkgPath = await writeApkg(path.join(dir, 'agent.apkg'), {
    entries: [{ name: 'data/blob.bin', content: crypto.randomBytes(3 * 1024 * 1024) }],
  });
  pkgBytes = new Uint8Array(await readFile(pkgPath));
  [alice, bob] = await Promise.all([makeKey('alice'), makeKey('bob')]);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('verifyDetachedSignature', () => {
  it('accepts a binary detached signature from a trusted key', async () => {
    const sig = await signBinary(pkgBytes, alice);
    const r = await verifyDetachedSignature(pkgPath, sig, [alice.publicKey]);
    expect(r).toEqual({ valid: true, keyId: alice.keyId, fingerprint: alice.fingerprint });
  });

  it('accepts an ASCII-armoured signature when one of several trusted keys made it', async () => {
    const sig = await signArmored(pkgBytes, alice);
    const r = await verifyDetachedSignature(pkgPath, sig, [bob.publicKey, alice.publicKey]);
    expect(r.valid).toBe(true);
    expect(r.keyId).toBe(alice.keyId);
  });

  it('accepts a key block holding several keys', async () => {
    const sig = await signBinary(pkgBytes, bob);
    const r = await verifyDetachedSignature(pkgPath, sig, [`${alice.publicKey}\n${bob.publicKey}`]);
    expect(r.valid).toBe(true);
    expect(r.keyId).toBe(bob.keyId);
  });

  it('rejects a signature over other bytes', async () => {
    const tampered = Uint8Array.from(pkgBytes);
    tampered[100] ^= 0xff;
    const sig = await signBinary(tampered, alice);
    const r = await verifyDetachedSignature(pkgPath, sig, [alice.publicKey]);
    expect(r.valid).toBe(false);
    expect(r.keyId).toBe(alice.keyId);
    expect(r.error).toMatch(/^Signature verification failed: /);
  });

  it('rejects a package modified after signing', async () => {
    const sig = await signBinary(pkgBytes, alice);
    const copy = path.join(dir, 'modified.apkg');
    await writeFile(copy, Buffer.concat([Buffer.from(pkgBytes), Buffer.from('x')]));
    const r = await verifyDetachedSignature(copy, sig, [alice.publicKey]);
    expect(r.valid).toBe(false);
    expect(r.error).toMatch(/^Signature verification failed: /);
  });

  it('rejects a signature made by a key that is not trusted', async () => {
    const sig = await signBinary(pkgBytes, bob);
    const r = await verifyDetachedSignature(pkgPath, sig, [alice.publicKey]);
    expect(r).toEqual({ valid: false, keyId: bob.keyId, error: `Signature verification failed: key ${bob.keyId} is not a trusted key` });
  });

  it('rejects bytes that are not a signature', async () => {
    const r = await verifyDetachedSignature(pkgPath, crypto.randomBytes(300), [alice.publicKey]);
    expect(r).toEqual({ valid: false, error: 'Signature is not a valid OpenPGP signature' });
    const empty = await verifyDetachedSignature(pkgPath, new Uint8Array(0), [alice.publicKey]);
    expect(empty).toEqual({ valid: false, error: 'Signature is empty' });
  });

  it('reports unusable trusted keys', async () => {
    const sig = await signBinary(pkgBytes, alice);
    const r = await verifyDetachedSignature(pkgPath, sig, ['not a key']);
    expect(r).toEqual({ valid: false, keyId: alice.keyId, error: 'No valid trusted public key to verify the signature with' });
  });

  it('reports a missing package file without throwing', async () => {
    const sig = await signBinary(pkgBytes, alice);
    const r = await verifyDetachedSignature(path.join(dir, 'missing.apkg'), sig, [alice.publicKey]);
    expect(r.valid).toBe(false);
    expect(r.error).toMatch(/^Signature verification failed: /);
  });
});
