// Runtime and secrets-provider configuration (RUNTIME_*, PIXELL_SECRETS_*), the adapter choice, the
// secrets providers (the AWS one with an injected SDK module) and the env precedence helper.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config.ts';
import type { StorageAdapter } from '../storage/storage-adapter.ts';
import { HttpRuntime } from './http-runtime.ts';
import { createRuntimeAdapter } from './index.ts';
import { LocalRuntime } from './local-runtime.ts';
import { buildEffectiveEnv, describeEnvSources, redactValues } from './runtime-env.ts';
import { createAwsSecretsProvider, createSecretsProvider } from './secrets-provider.ts';

const silent = pino({ level: 'silent' });
/** The adapters only keep a reference to storage when constructed. */
const storage = {} as StorageAdapter;

function configError(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('runtime configuration', () => {
  it('defaults to the local runtime with the documented timings and no secrets provider', () => {
    const config = loadConfig({});
    expect(config.runtime).toEqual({ url: undefined, token: undefined, api: 'push', healthTimeoutSeconds: 300, pollIntervalMs: 2000 });
    expect(config.secretsProvider).toBeUndefined();
    expect(createRuntimeAdapter(config, storage, silent)).toBeInstanceOf(LocalRuntime);
  });

  it('reads RUNTIME_* and builds the HTTP adapter', () => {
    const config = loadConfig({
      RUNTIME_URL: 'https://par.example.com/',
      RUNTIME_TOKEN: 'tok',
      RUNTIME_API: 'supervisor',
      RUNTIME_HEALTH_TIMEOUT_SECONDS: '60',
      RUNTIME_POLL_INTERVAL_MS: '500',
    });
    expect(config.runtime).toEqual({ url: 'https://par.example.com', token: 'tok', api: 'supervisor', healthTimeoutSeconds: 60, pollIntervalMs: 500 });
    const adapter = createRuntimeAdapter(config, storage, silent);
    expect(adapter).toBeInstanceOf(HttpRuntime);
    expect(adapter.kind).toBe('http');
    expect((adapter as HttpRuntime).api).toBe('supervisor');
  });

  it('refuses bad runtime settings', () => {
    expect(configError({ RUNTIME_URL: 'ftp://par.example.com' })).toContain('RUNTIME_URL');
    expect(configError({ RUNTIME_API: 'pull' })).toContain('RUNTIME_API');
    expect(configError({ RUNTIME_HEALTH_TIMEOUT_SECONDS: '0' })).toContain('RUNTIME_HEALTH_TIMEOUT_SECONDS');
  });

  it('parses the static secrets provider and refuses invalid JSON without echoing values', () => {
    const config = loadConfig({ PIXELL_SECRETS_PROVIDER: 'static', PIXELL_SECRETS_JSON: '{"OPENAI_API_KEY":"runtime","DB_HOST":"database"}' });
    expect(config.secretsProvider).toEqual({ kind: 'static', values: { OPENAI_API_KEY: 'runtime', DB_HOST: 'database' } });

    expect(configError({ PIXELL_SECRETS_PROVIDER: 'static' })).toContain('PIXELL_SECRETS_JSON: required');
    const notJson = configError({ PIXELL_SECRETS_PROVIDER: 'static', PIXELL_SECRETS_JSON: '{"KEY": sk-live-secret}' });
    expect(notJson).toContain('PIXELL_SECRETS_JSON: must be valid JSON');
    expect(notJson).not.toContain('sk-live-secret');
    expect(configError({ PIXELL_SECRETS_PROVIDER: 'static', PIXELL_SECRETS_JSON: '["a"]' })).toContain('must be a JSON object');
    const nonString = configError({ PIXELL_SECRETS_PROVIDER: 'static', PIXELL_SECRETS_JSON: '{"PORT": 8080}' });
    expect(nonString).toContain('the value of PORT must be a string');
    expect(nonString).not.toContain('8080');
    expect(configError({ PIXELL_SECRETS_PROVIDER: 'static', PIXELL_SECRETS_JSON: '{"BAD-NAME": "x"}' })).toContain('is not a valid variable name');
    expect(configError({ PIXELL_SECRETS_PROVIDER: 'vault' })).toContain('PIXELL_SECRETS_PROVIDER');
  });

  it('parses the aws secrets provider settings', () => {
    const config = loadConfig({ PIXELL_SECRETS_PROVIDER: 'aws', PIXELL_AWS_SECRETS: 'my/app/secrets, another/secret', PIXELL_AWS_REGION: 'us-east-1' });
    expect(config.secretsProvider).toEqual({ kind: 'aws', secretIds: ['my/app/secrets', 'another/secret'], region: 'us-east-1' });
    expect(configError({ PIXELL_SECRETS_PROVIDER: 'aws' })).toContain('PIXELL_AWS_SECRETS: required');
  });
});

describe('secrets providers', () => {
  it('static: returns a copy of the configured values', async () => {
    const provider = createSecretsProvider({ kind: 'static', values: { A: '1' } });
    const first = await provider!.load();
    first.A = 'changed';
    expect(await provider!.load()).toEqual({ A: '1' });
  });

  function fakeSdk(secrets: Record<string, { SecretString?: string } | Error>, seen: { region?: string; ids: string[]; destroyed: number }) {
    class GetSecretValueCommand {
      readonly input: { SecretId: string };
      constructor(input: { SecretId: string }) {
        this.input = input;
      }
    }
    class SecretsManagerClient {
      constructor(config: { region?: string }) {
        seen.region = config.region;
      }
      async send(command: GetSecretValueCommand) {
        seen.ids.push(command.input.SecretId);
        const answer = secrets[command.input.SecretId];
        if (answer instanceof Error) throw answer;
        return answer;
      }
      destroy() {
        seen.destroyed++;
      }
    }
    return async () => ({ SecretsManagerClient, GetSecretValueCommand }) as never;
  }

  it('aws: merges JSON secrets in order (later ones win) and closes the client', async () => {
    const seen = { ids: [] as string[], destroyed: 0, region: undefined as string | undefined };
    const provider = createAwsSecretsProvider({
      secretIds: ['one', 'two'],
      region: 'eu-west-1',
      loadSdk: fakeSdk({ one: { SecretString: '{"A":"a1","B":"b1"}' }, two: { SecretString: '{"B":"b2","PORT":8080}' } }, seen),
    });
    expect(await provider.load()).toEqual({ A: 'a1', B: 'b2', PORT: '8080' });
    expect(seen).toEqual({ ids: ['one', 'two'], destroyed: 1, region: 'eu-west-1' });
  });

  it('aws: errors name the secret, never its value', async () => {
    const seen = { ids: [] as string[], destroyed: 0 };
    const notObject = createAwsSecretsProvider({ secretIds: ['plain'], region: undefined, loadSdk: fakeSdk({ plain: { SecretString: 'hunter2-secret' } }, seen) });
    const failure = (await notObject.load().catch((err: unknown) => err)) as Error;
    expect(failure.message).toBe('Secrets provider (aws): secret plain is not JSON (expected an object mapping variable names to strings)');

    const denied = Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' });
    const failing = createAwsSecretsProvider({ secretIds: ['locked'], region: undefined, loadSdk: fakeSdk({ locked: denied }, seen) });
    await expect(failing.load()).rejects.toThrow('Secrets provider (aws): could not read secret locked (AccessDeniedException)');
    expect(seen.destroyed).toBe(2);
  });
});

describe('effective environment', () => {
  it('applies deployment > provider > package > base and describes names only', () => {
    const env = buildEffectiveEnv({
      base: { A: 'base', B: 'base', C: 'base', D: 'base' },
      package: { A: 'pkg', B: 'pkg', C: 'pkg' },
      provider: { A: 'prov', B: 'prov' },
      deployment: { A: 'dep' },
    });
    expect(env.values).toEqual({ A: 'dep', B: 'prov', C: 'pkg', D: 'base' });
    expect(env.sources).toEqual({ A: 'deployment', B: 'provider', C: 'package', D: 'base' });
    expect(describeEnvSources(env.sources)).toBe('Environment (4 variables): A (deployment), B (provider), C (package), D (base)');
    expect(describeEnvSources({})).toBe('Environment: no variables');
  });

  it('redacts values (longest first) but leaves very short ones', () => {
    expect(redactValues('token abcd1234 and abcd12345678 and xy', ['abcd1234', 'abcd12345678', 'xy', undefined])).toBe(
      'token [redacted] and [redacted] and xy',
    );
  });
});
