// Builds the services (database, adapters, auth) the app and workers share, from configuration.
import type { Logger } from 'pino';
import { openDatabase, type DatabaseHandle } from '../db/client.ts';
import { createMailAdapter } from './adapters/mail/index.ts';
import { createStorageAdapter } from './adapters/storage/index.ts';
import type { Config } from './config.ts';
import type { Services } from './domain/context.ts';
import { createLucia } from './domain/auth/session-store.ts';

export async function openConfiguredDatabase(config: Config): Promise<DatabaseHandle> {
  return config.databaseUrl
    ? openDatabase({ kind: 'postgres', url: config.databaseUrl, poolSize: config.databasePoolSize })
    : openDatabase({ kind: 'pglite', dataDir: `${config.dataDir}/pglite` });
}

export function createServices(config: Config, database: DatabaseHandle, log: Logger): Services {
  const db = database.db;
  return {
    db,
    config,
    log,
    now: () => new Date(),
    lucia: createLucia(db, config),
    adapters: { mail: createMailAdapter(config, db, log), storage: createStorageAdapter(config, log) },
  };
}
