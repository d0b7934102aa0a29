// The embedded database's directory made ready for this process: locked to it (dataDirLock.ts)
// and, when new, created by initdb (db/initDataDir.ts). main.ts claims it before it loads the
// app's modules, so a new database's initdb (seconds) runs while they load.
import { initDataDir } from '../db/initDataDir.js';
import { lockDataDir } from './dataDirLock.js';

export interface EmbeddedDataDir {
  /** Resolves once the directory holds a database. */
  ready: Promise<void>;
  release(): void;
}

export function claimDataDir(dataDir: string): EmbeddedDataDir {
  const lock = lockDataDir(dataDir);
  const ready = initDataDir(dataDir);
  // The claimer awaits it later; a failure meanwhile is not an unhandled rejection.
  ready.catch(() => {});
  return { ready, release: lock.release };
}
