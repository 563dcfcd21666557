import crypto from 'node:crypto';
// Builds the services (database, adapters, auth) the app and workers share, from configuration.
import type { Logger } from 'pino';
import { openDatabase, type DatabaseHandle } from '../db/client.ts';
import { createMailAdapter } from './adapters/mail/index.ts';
import { createPaymentsAdapter } from './adapters/payments/index.ts';
import { createRuntimeAdapter } from './adapters/runtime/index.ts';
import { createStorageAdapter } from './adapters/storage/index.ts';
import type { Config } from './config.ts';
import type { Services } from './domain/context.ts';
import { createLucia } from './domain/auth/session-store.ts';
import { createSecretBox } from './domain/crypto/secret-box.ts';
import { readOrCreateSecretFile } from './secret-files.ts';
import { createDeploymentFeed } from './realtime/deployment-feed.ts';
import { createMetrics } from './metrics.ts';

export async function openConfiguredDatabase(config: Config): Promise<DatabaseHandle> {
  return config.databaseUrl
    ? openDatabase({ kind: 'postgres', url: config.databaseUrl, poolSize: config.databasePoolSize })
    : openDatabase({ kind: 'pglite', dataDir: `${config.dataDir}/pglite` });
}

export function createServices(config: Config, database: DatabaseHandle, log: Logger): Services {
  const db = database.db;
  const storage = createStorageAdapter(config, log);
  return {
    db,
    config,
    log,
    now: () => new Date(),
    lucia: createLucia(db, config),
    feed: createDeploymentFeed(database),
    metrics: createMetrics(db),
    secrets: createSecretBox(resolveEncryptionKey(config, log), config.secretsPreviousKeys),
    adapters: { mail: createMailAdapter(config, db, log), storage, runtime: createRuntimeAdapter(config, storage, log), payments: createPaymentsAdapter(config, log) },
  };
}

function resolveEncryptionKey(config: Config, log: Logger): string {
  if (config.secretsEncryptionKey) return config.secretsEncryptionKey;
  const { value, created } = readOrCreateSecretFile(config.dataDir, 'secrets-encryption', () => crypto.randomBytes(32).toString('base64'));
  if (created) log.warn({ file: `${config.dataDir}/secrets/secrets-encryption.key` }, 'generated a secrets encryption key into DATA_DIR; set SECRETS_ENCRYPTION_KEY in production and back it up');
  return value;
}
