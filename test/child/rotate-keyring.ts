/**
 * `node -r test/child/ts-hook.js test/child/rotate-keyring.ts <keyring> <rotations> <go-file>`:
 * waits for <go-file> to appear (so several of these start their work at the same moment),
 * then uses the keyring (creating it if missing) and rotates it <rotations> times. Prints
 * `ready` once loaded, then one JSON line: the key current at first use, and every key id
 * this process added.
 */
import fs from 'node:fs';
import { LocalKeyring } from '../../adapters/kms/local-keyring';

async function main(): Promise<void> {
  const [file, rotations, goFile] = process.argv.slice(2);
  process.stdout.write('ready\n');
  while (!fs.existsSync(goFile)) await new Promise((r) => setTimeout(r, 2));
  const ring = new LocalKeyring(file);
  const initial = await ring.currentKeyId();
  const added: string[] = [];
  for (let i = 0; i < Number(rotations); i++) added.push(await ring.rotate());
  process.stdout.write(`${JSON.stringify({ initial, added })}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
