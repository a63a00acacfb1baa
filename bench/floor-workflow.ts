/**
 * The Temporal part of the benches' floor (bench/temporal-floor.ts): a workflow that runs
 * `count` activities that do nothing, `concurrency` at a time, so what it costs is only
 * Temporal's schedule → poll → complete round trip and the workflow tasks between them.
 * Bundled apart from DIF's workflows; never part of the product.
 */
import { proxyActivities } from '@temporalio/workflow';

const { nothing } = proxyActivities<{ nothing(): Promise<void> }>({ startToCloseTimeout: '1 minute' });

export async function activityRoundTrips(count: number, concurrency: number): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) {
      next++;
      await nothing();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, lane));
}
