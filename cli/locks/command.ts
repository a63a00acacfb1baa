import type { Command } from 'commander';
import Redis from 'ioredis';
import { requireServices } from '../../adapters/health';
import { loadSettings } from '../../adapters/settings';
import { RedisSemaphores } from '../../adapters/locks/semaphores';
import { formatLocks, readLocks } from './locks';

/** `dif locks`: who holds each semaphore, for how long, and who waits, in order. */
export function registerLocks(program: Command): void {
  program
    .command('locks')
    .description('who holds each semaphore and table lock, and who waits')
    .argument('[prefix]', 'only semaphores whose name starts with this, e.g. vendor:demo-ads or table:')
    .option('--json', 'one JSON object per semaphore')
    .action(async (prefix: string | undefined, opts: { json?: boolean }) => {
      const settings = loadSettings();
      await requireServices(settings, ['redis']);
      const redis = new Redis(settings.redisUrl, { maxRetriesPerRequest: 1 });
      try {
        const reports = await readLocks(new RedisSemaphores(redis), prefix ?? '');
        if (opts.json) for (const r of reports) console.log(JSON.stringify(r));
        else console.log(formatLocks(reports));
      } finally {
        redis.disconnect();
      }
    });
}
