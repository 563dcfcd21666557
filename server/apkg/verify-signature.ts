// Detached OpenPGP signature over the exact APKG bytes (apkg-format.md §5), binary or ASCII-armoured.
// The package file is streamed through openpgp (Web Streams): it is hashed as it is read, never
// loaded whole. Never throws: problems come back as `{ valid: false, error }`.
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import * as openpgp from 'openpgp';

export interface SignatureVerification {
  valid: boolean;
  /** Key id (16 hex digits, upper case) of the key that made the signature, when known. */
  keyId?: string;
  /** Fingerprint (upper case hex) of the trusted primary key that verified the signature. */
  fingerprint?: string;
  error?: string;
}

/** Detached signatures are a few hundred bytes; refuse anything absurd before parsing it. */
const MAX_SIGNATURE_BYTES = 64 * 1024;

export async function verifyDetachedSignature(
  /** The package's file, or its bytes. */
  packageData: string | Buffer,
  signatureBytes: Uint8Array,
  armoredPublicKeys: string[],
): Promise<SignatureVerification> {
  if (signatureBytes.length === 0) return { valid: false, error: 'Signature is empty' };
  if (signatureBytes.length > MAX_SIGNATURE_BYTES) return { valid: false, error: 'Signature is not a valid OpenPGP signature (too large)' };

  let signature: openpgp.Signature;
  try {
    signature = isArmored(signatureBytes)
      ? await openpgp.readSignature({ armoredSignature: new TextDecoder().decode(signatureBytes) })
      : await openpgp.readSignature({ binarySignature: signatureBytes });
  } catch {
    return { valid: false, error: 'Signature is not a valid OpenPGP signature' };
  }
  // Garbage can parse as signature packets without an issuer: those are no signature either.
  const issuers = signature.getSigningKeyIDs().filter((id): id is openpgp.KeyID => id !== undefined && id !== null);
  if (issuers.length === 0) return { valid: false, error: 'Signature is not a valid OpenPGP signature' };
  const issuerKeyId = issuers[0].toHex().toUpperCase();

  const keys: openpgp.Key[] = [];
  for (const block of armoredPublicKeys.flatMap(splitArmorBlocks)) {
    try {
      keys.push(...(await openpgp.readKeys({ armoredKeys: block })));
    } catch {
      // an unreadable trusted key is skipped; the others still count
    }
  }
  if (keys.length === 0) return { valid: false, keyId: issuerKeyId, error: 'No valid trusted public key to verify the signature with' };

  const trusted = keys.filter((key) => issuers.some((id) => key.getKeys(id).length > 0));
  if (trusted.length === 0) {
    return { valid: false, keyId: issuerKeyId, error: `Signature verification failed: key ${issuerKeyId} is not a trusted key` };
  }

  const file = typeof packageData === 'string' ? createReadStream(packageData) : Readable.from([packageData]);
  try {
    const message = await openpgp.createMessage({
      binary: Readable.toWeb(file) as unknown as ReadableStream<Uint8Array>,
    });
    const result = await openpgp.verify({ message, signature, verificationKeys: trusted, format: 'binary' });
    // The data must be read for the streamed hash to complete; it is discarded as it goes.
    const reader = (result.data as ReadableStream<Uint8Array>).getReader();
    while (!(await reader.read()).done) {
      /* drain */
    }
    let lastError = 'the package does not match the signature';
    for (const s of result.signatures) {
      const keyId = s.keyID.toHex().toUpperCase();
      try {
        await s.verified;
        const key = trusted.find((k) => k.getKeys(s.keyID).length > 0);
        return { valid: true, keyId, fingerprint: key?.getFingerprint().toUpperCase() };
      } catch (err) {
        lastError = err instanceof Error ? err.message : String(err);
      }
    }
    return { valid: false, keyId: issuerKeyId, error: `Signature verification failed: ${lastError}` };
  } catch (err) {
    return { valid: false, keyId: issuerKeyId, error: `Signature verification failed: ${err instanceof Error ? err.message : String(err)}` };
  } finally {
    file.destroy();
  }
}

/** A string may hold several armoured key blocks one after the other (openpgp reads one per call). */
function splitArmorBlocks(text: string): string[] {
  const blocks = text.match(/-----BEGIN PGP PUBLIC KEY BLOCK-----[\s\S]*?-----END PGP PUBLIC KEY BLOCK-----/g);
  return blocks && blocks.length > 0 ? blocks : [text];
}

function isArmored(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.subarray(0, 200)).toString('latin1').replace(/^\xEF\xBB\xBF/, '').trimStart();
  return head.startsWith('-----BEGIN PGP');
}

/** The keys that openpgp cannot read as public keys (index and reason), for input validation. */
export async function findUnreadablePublicKeys(armoredKeys: string[]): Promise<{ index: number; message: string }[]> {
  const problems: { index: number; message: string }[] = [];
  for (const [index, armored] of armoredKeys.entries()) {
    try {
      const keys = await openpgp.readKeys({ armoredKeys: armored });
      if (keys.some((k) => k.isPrivate())) problems.push({ index, message: 'This is a private key: paste the PUBLIC key only' });
    } catch {
      problems.push({ index, message: 'Not a readable OpenPGP public key' });
    }
  }
  return problems;
}
