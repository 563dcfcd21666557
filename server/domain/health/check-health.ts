// Checks each service for GET /api/health. The database is essential: when it does not answer the
// whole check is unhealthy (503).
import type { DatabaseHandle } from '../../../db/client.ts';
import type { Services } from '../context.ts';

export type HealthReport = {
  status: 'healthy' | 'degraded' | 'unhealthy';
  timestamp: string;
  services: { database: string; storage: string; auth: string; mail: string };
};

const TIMEOUT_MS = 2000;

function withTimeout<T>(p: Promise<T>): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), TIMEOUT_MS).unref()),
  ]);
}

export async function checkHealth(services: Services, database: Pick<DatabaseHandle, 'ping'>): Promise<HealthReport> {
  const [db, storage, mail] = await Promise.allSettled([
    withTimeout(database.ping()),
    withTimeout(services.adapters.storage.check()),
    withTimeout(services.adapters.mail.check()),
  ]);
  const databaseOk = db.status === 'fulfilled';
  const storageOk = storage.status === 'fulfilled';
  const mailOk = mail.status === 'fulfilled';
  return {
    status: !databaseOk ? 'unhealthy' : storageOk && mailOk ? 'healthy' : 'degraded',
    timestamp: services.now().toISOString(),
    services: {
      database: databaseOk ? 'connected' : 'disconnected',
      storage: storageOk ? 'connected' : 'unavailable',
      // Sessions and API keys live in the database: auth works exactly when it answers.
      auth: databaseOk ? 'operational' : 'unavailable',
      mail: mailOk ? 'operational' : 'unavailable',
    },
  };
}
