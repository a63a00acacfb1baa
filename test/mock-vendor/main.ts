/**
 * Runs the Demo Ads mock on its own (for `npm run demo` and benchmarks):
 *   node dist/test/mock-vendor/main.js --port 8091 --api-key <key> [--campaigns N] [--delay-ms N]
 */
import { DemoAdsServer } from './demo-ads-server';

function arg(name: string, fallback?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? process.argv[i + 1] : fallback;
  if (value === undefined) throw new Error(`missing --${name}`);
  return value;
}

async function main(): Promise<void> {
  const server = new DemoAdsServer({ apiKey: process.env.DEMO_ADS_API_KEY ?? arg('api-key'), campaigns: Number(arg('campaigns', '5')), delayMs: Number(arg('delay-ms', '0')) });
  const url = await server.start(Number(arg('port', '8091')));
  console.log(`demo-ads mock vendor listening on ${url}`);
  const stop = () => void server.stop().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
