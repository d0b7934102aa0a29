// How an entry point ends when start-up fails: a refusal (bad configuration, a dependency that is
// missing, a port or DATA_DIR in use) is its message alone on stderr; anything else, its stack.
// Exit code 1 either way.
import { ConfigError } from '../config.js';
import { StartupError } from './startupError.js';

export function exitOnStartupFailure(error: unknown): never {
  console.error(error instanceof ConfigError || error instanceof StartupError ? error.message : error);
  process.exit(1);
}
