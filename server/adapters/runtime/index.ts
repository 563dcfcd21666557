// Chooses the runtime adapter from configuration: PAR over HTTP when RUNTIME_URL is set (push or
// supervisor API), otherwise the embedded local runtime under DATA_DIR/runtime.
import type { Logger } from 'pino';
import type { Config } from '../../config.ts';
import type { StorageAdapter } from '../storage/storage-adapter.ts';
import { HttpRuntime } from './http-runtime.ts';
import { LocalRuntime } from './local-runtime.ts';
import type { RuntimeAdapter } from './runtime-adapter.ts';
import { createSecretsProvider } from './secrets-provider.ts';

export type { RuntimeAdapter, RuntimeDeployRequest, RuntimeDeployResult, RuntimeLog } from './runtime-adapter.ts';
export { RuntimeAbortedError } from './runtime-errors.ts';

/**
 * Base environment of agents installed by the local runtime (lowest precedence). The server's own
 * process.env is deliberately not passed on: it holds the cloud's credentials.
 */
export const LOCAL_RUNTIME_BASE_ENV: Readonly<Record<string, string>> = Object.freeze({
  PIXELL_RUNTIME: 'local',
  PYTHONUNBUFFERED: '1',
});

export function createRuntimeAdapter(config: Config, storage: StorageAdapter, log: Logger): RuntimeAdapter {
  const secretsProvider = createSecretsProvider(config.secretsProvider);
  if (secretsProvider) log.info({ provider: secretsProvider.kind }, 'runtime: secrets provider enabled');
  const runtime = config.runtime;
  if (runtime.url) {
    if (!runtime.token) log.warn({ url: runtime.url }, 'runtime: RUNTIME_TOKEN is not set; requests to the runtime are unauthenticated');
    log.info({ url: runtime.url, api: runtime.api }, 'runtime: PAR over HTTP');
    return new HttpRuntime({
      url: runtime.url,
      token: runtime.token,
      api: runtime.api,
      healthTimeoutSeconds: runtime.healthTimeoutSeconds,
      pollIntervalMs: runtime.pollIntervalMs,
      secretsProvider,
    });
  }
  const local = new LocalRuntime({ storage, dataDir: config.dataDir, baseEnv: { ...LOCAL_RUNTIME_BASE_ENV }, secretsProvider });
  log.info({ dir: local.rootDir }, 'runtime: local installs');
  return local;
}
