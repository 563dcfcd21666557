import { describe, expect, it } from 'vitest';
import { checkEnvHygiene, looksLikePlaceholder, looksLikeSecret } from './env-hygiene.ts';

describe('looksLikeSecret', () => {
  it.each([
    ['OPENAI_API_KEY', 'sk-proj-4f9a8b7c6d5e4f3a2b1c'],
    ['ANY', 'sk-abc123'],
    ['AWS_SECRET_ACCESS_KEY', 'q8Zr1mW0pLk3TnV7sYb2XcFh9DjGe4Ua6RiOt5Ns'],
    ['PRIVATE_KEY', 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC'],
    ['CERT', '-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----'],
    ['GITHUB_TOKEN', 'ghp_0123456789abcdefghijABCDEFGHIJ012345'],
    ['WEBHOOK_SECRET', 'n0t-a-placeh0lder'],
    ['DATABASE_URL', 'postgres://app:s3cr3tP4ss@db:5432/app'],
    ['BLOB', 'Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWprbG1u'],
    ['DIGEST', '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'],
  ])('%s with a real-looking value is a secret', (key, value) => {
    expect(looksLikeSecret(key, value)).toBe(true);
  });

  it.each([
    ['OPENAI_API_KEY', 'your-openai-api-key'],
    ['OPENAI_API_KEY', 'sk-...'],
    ['OPENAI_API_KEY', 'sk-xxxxxxxxxxxxxxxx'],
    ['AWS_SECRET_ACCESS_KEY', '<aws-secret>'],
    ['API_TOKEN', '${API_TOKEN}'],
    ['STRIPE_SECRET', 'changeme'],
    ['SESSION_SECRET', ''],
    ['GITHUB_TOKEN', 'short'],
    ['DATABASE_URL', 'postgres://app:password-placeholder@db:5432/app'],
    ['DATABASE_URL', 'postgres://db:5432/app'],
    ['LOG_LEVEL', 'info'],
    ['REQUEST_ID', '123e4567-e89b-12d3-a456-426614174000'],
    ['MODEL', 'gpt-4o-mini'],
    ['SERVICE_URL', 'https://api.example.org/v1/agents/some-long-path-segment-123'],
  ])('%s=%s is not reported', (key, value) => {
    expect(looksLikeSecret(key, value)).toBe(false);
  });

  it('recognises placeholders', () => {
    expect(looksLikePlaceholder('REPLACE_ME')).toBe(true);
    expect(looksLikePlaceholder('********')).toBe(true);
    expect(looksLikePlaceholder('q8Zr1mW0pLk3TnV7')).toBe(false);
  });
});

describe('checkEnvHygiene', () => {
  it('names keys only, sorted, in one warning per kind', () => {
    const values = {
      Z_TOKEN: 'tok_9a8b7c6d5e4f3a2b',
      OPENAI_API_KEY: 'sk-proj-4f9a8b7c6d5e4f3a2b1c',
      DATA_DIR: '/Users/me/data',
      CACHE_DIR: '/home/bob/.cache',
      WIN_DIR: 'C:\\Users\\bob',
      WIN_DIR2: 'C:/data',
      TMP_DIR: '/tmp/agent',
      REL_DIR: './data',
      HOST: '127.0.0.1',
      REDIS_URL: 'redis://localhost:6379/0',
      BIND: '0.0.0.0',
    };
    const warnings = checkEnvHygiene(values);
    expect(warnings).toEqual([
      '.env appears to contain real secrets for keys: OPENAI_API_KEY, Z_TOKEN. Use placeholders in packages and override at deploy time.',
      '.env contains absolute path values that may harm portability for keys: CACHE_DIR, DATA_DIR, WIN_DIR, WIN_DIR2. Prefer relative paths or standard locations (e.g. /tmp).',
      '.env uses localhost/127.0.0.1 for keys: HOST, REDIS_URL. Inside a container, bind to 0.0.0.0 and reach other services by their service DNS names.',
    ]);
    const all = warnings.join('\n');
    for (const key of ['Z_TOKEN', 'OPENAI_API_KEY', 'DATA_DIR', 'CACHE_DIR', 'WIN_DIR', 'WIN_DIR2', 'REDIS_URL'] as const) {
      expect(all).not.toContain(values[key]);
    }
  });

  it('is silent for a clean .env', () => {
    expect(checkEnvHygiene({ OPENAI_API_KEY: 'your-key-here', HOST: '0.0.0.0', PORT: '8080', DB_HOST: 'database' })).toEqual([]);
  });
});
