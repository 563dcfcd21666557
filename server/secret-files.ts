// Secrets generated once into DATA_DIR/secrets/<name>.key (mode 0600) for the embedded mode, so that
// a fresh `npm start` works and keeps working across restarts. Several processes starting together
// agree on one value (hard-link publish: the first writer wins).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export function readOrCreateSecretFile(dataDir: string, name: string, generate: () => string = () => crypto.randomBytes(32).toString('base64url')): { value: string; created: boolean } {
  const dir = path.join(dataDir, 'secrets');
  const file = path.join(dir, `${name}.key`);
  const existing = readKeyFile(file);
  if (existing) return { value: existing, created: false };
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`;
  let created = false;
  try {
    fs.writeFileSync(temp, `${generate()}\n`, { mode: 0o600, flag: 'wx' });
    try {
      fs.linkSync(temp, file);
      created = true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  } finally {
    fs.rmSync(temp, { force: true });
  }
  const value = readKeyFile(file);
  if (!value) throw new Error(`Secret file ${file} is empty`);
  return { value, created };
}

function readKeyFile(file: string): string | undefined {
  try {
    const value = fs.readFileSync(file, 'utf8').trim();
    return value === '' ? undefined : value;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
