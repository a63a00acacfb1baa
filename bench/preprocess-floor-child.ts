/**
 * Two lower bounds for the preprocess bench, each in a process of its own:
 *   node preprocess-floor-child.js parse <input.json>   the floor: the file read and each
 *     record JSON.parse'd, cut at the fixture's newlines (one record a line, so no scanning),
 *     kept 1,000 at a time, nothing mapped, written or gzipped: what V8 itself costs.
 *   node preprocess-floor-child.js decode <input.json>  DIF's decoder alone (decodeRecords,
 *     the byte scanner): the floor plus finding the records in the bytes.
 * The rest of the preprocessor's time is mapping, CSV and gzip.
 * Prints {"records","seconds","cpuSeconds","maxRssMb"} on stdout.
 */
import fs from 'node:fs';
import { decodeRecords } from '../adapters/decode/records';
import { BATCH } from '../adapters/decode/common';
import { processCpuSeconds } from './report';

async function parseFloor(input: string): Promise<number> {
  let records = 0;
  let batch: unknown[] = [];
  let rest: Buffer = Buffer.alloc(0);
  for await (const chunk of fs.createReadStream(input)) {
    const bytes = rest.length ? Buffer.concat([rest, chunk as Buffer]) : (chunk as Buffer);
    let from = 0;
    for (let nl = bytes.indexOf(10, from); nl >= 0; nl = bytes.indexOf(10, from)) {
      // writeJsonRecords: '[', then one record a line, each but the last ending in ','; then ']'.
      const end = bytes[nl - 1] === 0x2c ? nl - 1 : nl;
      const first = bytes[from];
      if (end > from && first !== 0x5b && first !== 0x5d) batch.push(JSON.parse(bytes.toString('utf8', from, end)));
      from = nl + 1;
      // Kept a batch at a time, as the preprocessor holds them.
      if (batch.length === BATCH) {
        records += batch.length;
        batch = [];
      }
    }
    rest = bytes.subarray(from);
  }
  return records + batch.length;
}

async function decodeOnly(input: string): Promise<number> {
  let records = 0;
  for await (const batch of decodeRecords(fs.createReadStream(input), { format: 'json' }, { kind: 'path', keys: [] }, { onReject: () => undefined })) records += batch.length;
  return records;
}

async function main(): Promise<void> {
  const [mode, input] = process.argv.slice(2);
  const start = process.hrtime.bigint();
  const records = mode === 'parse' ? await parseFloor(input) : mode === 'decode' ? await decodeOnly(input) : Number.NaN;
  if (Number.isNaN(records)) throw new Error(`mode ${mode}: use parse or decode`);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  process.stdout.write(`${JSON.stringify({ records, seconds, cpuSeconds: processCpuSeconds(), maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
}

main().catch((e) => {
  process.stderr.write(`preprocess-floor-child: ${(e as Error).stack}\n`);
  process.exitCode = 1;
});
