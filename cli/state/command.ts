import type { Command } from 'commander';
import { loadSettings } from '../../adapters/settings';
import { VendorConfigs } from '../../adapters/vendor-configs';
import { withRuntime } from '../shared/runtime';
import { formatState, resetState, setState, showState } from './state';

interface StateOptions {
  customer: string;
  stream?: string;
}

/** `dif state show|set|reset`: the stored cursors of incremental streams. */
export function registerState(program: Command): void {
  const state = program.command('state').description("the stored cursors of a customer's incremental streams: inspect and rewind them");
  // The vendor's config is read before any service is opened: an unknown vendor or stream costs no connection.
  const configOf = (vendor: string) => {
    const settings = loadSettings();
    return { settings, config: new VendorConfigs(settings.vendorsDir).load(vendor) };
  };
  state
    .command('show')
    .description('the stored cursor of each incremental stream (and partition) of a customer')
    .argument('<vendor>')
    .requiredOption('--customer <id>', 'customer id')
    .option('--stream <name>', 'only this stream')
    .option('--json', 'one JSON object per stream and partition')
    .action(async (vendor: string, opts: StateOptions & { json?: boolean }) => {
      const { settings, config } = configOf(vendor);
      const lines = await withRuntime((runtime) => showState(runtime.deps.streamState, config, opts.customer, opts.stream), settings);
      if (opts.json) for (const l of lines) console.log(JSON.stringify(l));
      else console.log(formatState(vendor, opts.customer, lines));
    });
  state
    .command('set')
    .description("set a stream's cursor, backwards too: the next run reads from it less the stream's lookback")
    .argument('<vendor>')
    .requiredOption('--customer <id>', 'customer id')
    .requiredOption('--stream <name>', 'the stream')
    .requiredOption('--cursor <timestamp>', 'an ISO 8601 timestamp, e.g. 2026-11-30T08:15:00Z')
    .option('--partition <id>', "the partition's id, for a stream with partitions")
    .action(async (vendor: string, opts: StateOptions & { cursor: string; partition?: string }) => {
      const { settings, config } = configOf(vendor);
      const stored = await withRuntime((runtime) => setState(runtime.deps.streamState, config, opts.customer, opts.stream, opts.cursor, opts.partition), settings);
      console.log(`${vendor}/${opts.customer}/${opts.stream}${opts.partition ? ` [${opts.partition}]` : ''}: cursor set to ${stored}`);
    });
  state
    .command('reset')
    .description("forget the stored cursors (one stream, or every stream of the vendor): the next runs read from the stream's start")
    .argument('<vendor>')
    .requiredOption('--customer <id>', 'customer id')
    .option('--stream <name>', 'only this stream')
    .action(async (vendor: string, opts: StateOptions) => {
      const { settings, config } = configOf(vendor);
      const removed = await withRuntime((runtime) => resetState(runtime.deps.streamState, config, opts.customer, opts.stream), settings);
      console.log(`${vendor}/${opts.customer}${opts.stream ? `/${opts.stream}` : ''}: ${removed} cursor(s) removed`);
    });
}
