/**
 * An exclusive lock on a file, across processes, for read-modify-write of the keyring.
 *
 * proper-lockfile rather than an O_EXCL lock file of our own: it takes the lock with mkdir
 * (atomic on local and network file systems), keeps touching the lock while it is held so a
 * slow holder is never mistaken for a dead one, and takes over a lock whose holder died once
 * it has not been touched for `stale` ms. A hand-written O_EXCL file would need all of that.
 */
import lockfile from 'proper-lockfile';

export class FileLockError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FileLockError';
  }
}

const STALE_MS = 10_000;

/**
 * Runs `work` holding the lock `<file>.lock` (the file itself need not exist yet). Waits up to
 * about 30 s for another holder. `work` is told whether the lock is still held, so it can
 * refuse to commit if the lock was lost meanwhile (e.g. the process was paused past `stale`).
 */
export async function withFileLock<T>(file: string, work: (stillHeld: () => void) => Promise<T>): Promise<T> {
  let compromised: Error | undefined;
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(file, {
      realpath: false,
      stale: STALE_MS,
      retries: { retries: 60, factor: 1.3, minTimeout: 20, maxTimeout: 1000, randomize: true },
      // The default throws from a timer, which would kill the process; record it and refuse to commit instead.
      onCompromised: (e) => {
        compromised = e;
      },
    });
  } catch (e) {
    throw new FileLockError(`could not lock ${file} (${(e as Error).message}); another dif process holds it, or remove ${file}.lock if none runs`);
  }
  const stillHeld = () => {
    if (compromised) throw new FileLockError(`lost the lock on ${file} while working (${compromised.message}); nothing was written`);
  };
  try {
    return await work(stillHeld);
  } finally {
    if (!compromised) await release();
  }
}
