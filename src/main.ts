// Entry point: read config, build the app, start it, stop it cleanly on SIGTERM/SIGINT.
// The app's modules load after the embedded database's directory is claimed, so that a new
// database's initdb (in a child process) runs while they load.
import { parseConfig } from './config.js';
import { installLastResort } from './lib/lastResort.js';
import { createLogger } from './lib/logger.js';
import { claimDataDir } from './ops/embeddedDataDir.js';
import { exitOnStartupFailure } from './ops/startupFailure.js';
import { startTracing } from './ops/tracing.js';

async function main() {
  const config = parseConfig(process.env);
  installLastResort(createLogger(config.LOG_LEVEL, { format: config.logFormat }));
  const dataDir = config.DATABASE_URL ? undefined : claimDataDir(config.DATA_DIR);
  // Before the database opens: its statements get spans only if tracing is on by then.
  const tracing = config.tracesExporter ? await startTracing({ exporterName: config.tracesExporter }) : undefined;
  const [{ buildApp }, { ensureDemoAccount }] = await Promise.all([import('./app.js'), import('./accounts/demo.js')]);
  const app = await buildApp(config, { dataDir });
  // From here a signal stops the app cleanly, even while it is still starting.
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info(`${signal} received: not ready, finishing requests in flight, then stopping`);
    app.stop().then(
      async () => {
        // The last spans leave before the process does.
        await tracing?.shutdown().catch(() => {});
        app.logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        app.logger.error('stop failed', { err: error });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  const { url } = await app.start();
  const driver = app.database.driver === 'pglite' ? `embedded PGlite in ${config.DATA_DIR}` : 'PostgreSQL';
  console.log(`Invitation API on ${url}/graphql (${driver})`);
  if (config.graphiql) console.log(`GraphiQL: open ${url}/graphql in a browser`);

  if (config.demoSeed) {
    const demo = await ensureDemoAccount({
      db: app.database.db,
      accounts: app.services.accounts,
      dataDir: config.DATA_DIR,
    });
    if (demo && config.production) {
      // Production's output is its logs: the password and token stay in the file.
      console.log(`Demo account: ${demo.email}; its password is in ${config.DATA_DIR}/demo-account.json`);
    } else if (demo) {
      console.log(
        [
          '',
          'Demo account (embedded database only):',
          `  email:    ${demo.email}`,
          `  password: ${demo.password}`,
          `  token:    ${demo.token}`,
          '',
          'Try it:',
          `  curl -s ${url}/graphql -H 'content-type: application/json' \\`,
          `    -H 'authorization: Bearer ${demo.token}' \\`,
          `    -d '{"query":"{ viewer { user { email name } memberships { role organization { name } } } }"}'`,
          '',
          'In GraphiQL, add the header {"authorization": "Bearer <token>"}.',
        ].join('\n'),
      );
    }
  }
}

main().catch(exitOnStartupFailure);
