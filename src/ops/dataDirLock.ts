// The embedded database belongs to one process: a lock file holding its pid under DATA_DIR. A
// second server on the same directory is refused, naming the holder; a lock whose process is gone
// (a crash, a kill -9) is taken over.
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { StartupError } from './startupError.js';

const LOCK_FILE = 'server.pid';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes DATA_DIR for this process; release() (also run at exit) gives it back. */
export function lockDataDir(dataDir: string): { release(): void } {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
      const holder = Number.parseInt(readFileSync(file, 'utf8'), 10);
      if (Number.isInteger(holder) && holder !== process.pid && alive(holder)) {
        throw new StartupError(
          `DATA_DIR: ${dataDir} is in use by process ${holder} (another server on this embedded database); stop it, or set DATA_DIR to another directory`,
        );
      }
      unlinkSync(file);
    }
  }
  const release = () => {
    process.off('exit', release);
    try {
      if (Number.parseInt(readFileSync(file, 'utf8'), 10) === process.pid) unlinkSync(file);
    } catch {}
  };
  process.on('exit', release);
  return { release };
}
