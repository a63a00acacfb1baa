/** A service that is down is named, with the command that starts it. */
import { buildProgram } from '../../cli/dif';
import { connectTemporal } from '../../cli/shared/temporal-client';
import { ServiceDownError } from '../../adapters/health';
import { runIngestion } from '../../cli/run/run';
import { startHarness } from '../setup/harness';
import { testSettings, uniqueName } from '../setup/test-settings';

test('Temporal down: the CLI says where it looked and how to start it', async () => {
  const settings = testSettings('down', { temporalAddress: '127.0.0.1:1' });
  const error = await connectTemporal(settings).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ServiceDownError);
  expect((error as Error).message).toBe('temporal is not reachable at 127.0.0.1:1; start it with: npm run services -- up temporal');
});

test('dif run exits with the service-down message when Temporal is unreachable', async () => {
  const previous = process.env.DIF_TEMPORAL_ADDRESS;
  process.env.DIF_TEMPORAL_ADDRESS = '127.0.0.1:1';
  try {
    const program = buildProgram().exitOverride();
    await expect(
      program.parseAsync(['node', 'dif', 'run', 'demo-ads', '--customer', 'x', '--from', '2026-01-01', '--to', '2026-01-02']),
    ).rejects.toThrow(/temporal is not reachable at 127\.0\.0\.1:1; start it with: npm run services -- up temporal/);
  } finally {
    if (previous === undefined) delete process.env.DIF_TEMPORAL_ADDRESS;
    else process.env.DIF_TEMPORAL_ADDRESS = previous;
  }
});

test('Postgres down during a run: the run fails naming postgres and its fix', async () => {
  // The worker's warehouse points at a closed port; everything else is real.
  const h = await startHarness('pgdown', { settings: { postgresUrl: 'postgres://postgres@127.0.0.1:1/dif_test' } });
  try {
    const customer = uniqueName('pgdown');
    await h.seedCustomer(customer);
    const [outcome] = await runIngestion(h.client, h.settings, h.runtime.deps.vendorConfigs, {
      vendor: 'demo-ads',
      customer,
      window: { from: '2026-07-01', to: '2026-07-01' },
      options: { maxAttempts: 2 },
    });
    expect(outcome.status).toBe('FAILED');
    expect(outcome.error).toBe('postgres is not reachable at 127.0.0.1:1 (ECONNREFUSED); start it with: npm run services -- up postgres');
  } finally {
    await h.shutdown();
  }
});
