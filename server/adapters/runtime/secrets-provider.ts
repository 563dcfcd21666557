// Service-bound secrets for agent environments (apkg-env-secrets.md): values injected at deploy time
// without being stored in the package. Precedence: deployment env > provider > package .env > base.
//   - static: PIXELL_SECRETS_JSON, a JSON object validated by loadConfig at start-up;
//   - aws: AWS Secrets Manager, PIXELL_AWS_SECRETS (comma-separated names/ARNs, each a JSON object of
//     strings; later secrets override earlier ones), PIXELL_AWS_REGION (else the SDK's default chain).
// The AWS SDK client is an optional dependency loaded on first use, so this module compiles and runs
// without it; a deploy then fails with a message saying what to install.
import type { SecretsProviderConfig } from '../../config.ts';

export interface SecretsProvider {
  readonly kind: 'static' | 'aws';
  /** The variables to inject (a fresh null-prototype object each call). Errors never contain values. */
  load(signal?: AbortSignal): Promise<Record<string, string>>;
}

export const AWS_SECRETS_MANAGER_PACKAGE = '@aws-sdk/client-secrets-manager';

const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function createSecretsProvider(config: SecretsProviderConfig | undefined): SecretsProvider | undefined {
  if (!config) return undefined;
  if (config.kind === 'static') return createStaticSecretsProvider(config.values);
  return createAwsSecretsProvider({ secretIds: config.secretIds, region: config.region });
}

export function createStaticSecretsProvider(values: Record<string, string>): SecretsProvider {
  const frozen = Object.freeze({ ...values });
  return {
    kind: 'static',
    async load() {
      return Object.assign(Object.create(null) as Record<string, string>, frozen);
    },
  };
}

/** The part of the AWS SDK used here (the package is optional, so its types are not imported). */
type SecretsManagerModule = {
  SecretsManagerClient: new (config: { region?: string }) => {
    send(command: unknown, options?: { abortSignal?: AbortSignal }): Promise<{ SecretString?: string; SecretBinary?: Uint8Array }>;
    destroy(): void;
  };
  GetSecretValueCommand: new (input: { SecretId: string }) => unknown;
};

export type AwsSecretsProviderOptions = {
  secretIds: string[];
  region: string | undefined;
  /** Loads the SDK module; injectable for tests. Default: dynamic import of the optional package. */
  loadSdk?: () => Promise<SecretsManagerModule>;
};

export function createAwsSecretsProvider(options: AwsSecretsProviderOptions): SecretsProvider {
  const loadSdk = options.loadSdk ?? importAwsSdk;
  return {
    kind: 'aws',
    async load(signal) {
      const sdk = await loadSdk();
      const client = new sdk.SecretsManagerClient(options.region ? { region: options.region } : {});
      const values: Record<string, string> = Object.create(null);
      try {
        for (const secretId of options.secretIds) {
          signal?.throwIfAborted();
          let answer: { SecretString?: string; SecretBinary?: Uint8Array };
          try {
            answer = await client.send(new sdk.GetSecretValueCommand({ SecretId: secretId }), { abortSignal: signal });
          } catch (err) {
            if (signal?.aborted) throw err;
            const name = err instanceof Error ? err.name : 'Error';
            throw new Error(`Secrets provider (aws): could not read secret ${secretId} (${name})`, { cause: err });
          }
          const text = answer.SecretString ?? (answer.SecretBinary ? Buffer.from(answer.SecretBinary).toString('utf8') : undefined);
          Object.assign(values, parseSecretObject(secretId, text));
        }
      } finally {
        client.destroy();
      }
      return values;
    },
  };
}

/** A secret's text must be a JSON object of strings (numbers and booleans are stringified). */
function parseSecretObject(secretId: string, text: string | undefined): Record<string, string> {
  const bad = (why: string) => new Error(`Secrets provider (aws): secret ${secretId} ${why}`);
  if (text === undefined) throw bad('has no value');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw bad('is not JSON (expected an object mapping variable names to strings)');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw bad('is not a JSON object (expected an object mapping variable names to strings)');
  }
  const out: Record<string, string> = Object.create(null);
  for (const [key, value] of Object.entries(parsed)) {
    if (!ENV_KEY.test(key)) throw bad(`has an invalid variable name: ${JSON.stringify(key.slice(0, 64))}`);
    if (typeof value === 'string') out[key] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') out[key] = String(value);
    else throw bad(`has a non-string value for ${key}`);
  }
  return out;
}

async function importAwsSdk(): Promise<SecretsManagerModule> {
  // A variable specifier keeps TypeScript and bundlers from requiring the optional package.
  const specifier: string = AWS_SECRETS_MANAGER_PACKAGE;
  try {
    return (await import(specifier)) as SecretsManagerModule;
  } catch {
    throw new Error(`PIXELL_SECRETS_PROVIDER=aws needs the ${AWS_SECRETS_MANAGER_PACKAGE} package: run npm install ${AWS_SECRETS_MANAGER_PACKAGE}`);
  }
}
