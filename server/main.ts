// Entry point: configuration, database and migrations, HTTP server, graceful shutdown.
import fs from 'node:fs';
import http from 'node:http';
import { appUsageRecorder, createApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { createLogger } from './log.ts';
import { createServices, openConfiguredDatabase } from './services.ts';
import { startWorkers } from './workers/start-workers.ts';

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  fs.mkdirSync(config.dataDir, { recursive: true });

  const database = await openConfiguredDatabase(config);
  await database.migrate();
  log.info({ database: database.kind, dataDir: config.dataDir }, 'database ready, migrations applied');

  const services = createServices(config, database, log);
  const app = createApp({ services, database });
  const server = http.createServer(app);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
  log.info({ url: config.publicUrl, port: config.port, mail: services.adapters.mail.kind }, 'Pixell Agent Cloud is listening');

  const workers = await startWorkers(services, database);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: no new connections, finishing in-flight requests');
    const forced = setTimeout(() => {
      log.error('graceful shutdown timed out, exiting');
      process.exit(1);
    }, 25_000);
    forced.unref();
    server.close();
    server.closeIdleConnections();
    // Long-lived streams (live deployment events) are cut after a grace period; clients reconnect
    // to another instance and resume from their last event id.
    setTimeout(() => server.closeAllConnections(), 5_000).unref();
    await Promise.all([new Promise<void>((resolve) => server.on('close', resolve)), workers.stop(15_000)]);
    await appUsageRecorder(app).stop();
    await services.feed.close();
    await database.close();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
