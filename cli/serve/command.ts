import type { Command } from 'commander';
import { loadSettings } from '../../adapters/settings';
import { InputError } from '../../core/run-plan';
import { positiveInt } from '../shared/options';
import { explainServiceError } from '../shared/service-errors';
import { serveStatus } from './serve';

/** `dif serve`: the status page (vendors, running and failed runs, lateness, limits) and its JSON twin, until stopped. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('serve the status page (vendors, running and failed runs, lateness, limits) at / and its JSON twin at /status.json, until Ctrl-C')
    .option('--port <port>', 'port to listen on (0 picks a free one)', '8089')
    .option('--host <host>', 'address to listen on; the page names customers, so the default is this machine only', '127.0.0.1')
    .option('--refresh <seconds>', 'the page reloads itself this often', '30')
    .action(async (opts: { port: string; host: string; refresh: string }) => {
      const port = Number(opts.port);
      if (!/^\d+$/.test(opts.port) || port > 65_535) throw new InputError(`--port must be a whole number from 0 to 65535, got "${opts.port}"`);
      const refreshSeconds = positiveInt(opts.refresh, '--refresh', 3600);
      const settings = loadSettings();
      const server = await serveStatus(settings, { port, host: opts.host, refreshSeconds }).catch((e: unknown) => {
        throw explainServiceError(e, settings);
      });
      console.log(`dif serve: the status page is at ${server.url} (JSON at ${server.url}status.json); Ctrl-C stops it`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await server.close();
    });
}
