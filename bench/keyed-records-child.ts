/**
 * Decodes one report file keyed by entity id in a process of its own, so its peak RSS is its own:
 *   node keyed-records-child.js <file> keyed|values
 * `keyed`: decode.keyed, the entries streamed one at a time; `values`: the old workaround,
 * `records: "Object.values(response).flat()"`, evaluated over the whole document in the sandbox.
 * Prints {"records","seconds","maxRssMb"} on stdout.
 */
import fs from 'node:fs';
import { decodeRecords, type RecordsSelector } from '../adapters/decode/records';
import { ExpressionScope } from '../runtime/expression/expression';

async function main(): Promise<void> {
  const [file, mode] = process.argv.slice(2);
  const selector: RecordsSelector =
    mode === 'keyed'
      ? { kind: 'path', keys: [] }
      : { kind: 'expression', expression: 'Object.values(response).flat()', where: 'bench', scope: () => new ExpressionScope({}) };
  const decode = mode === 'keyed' ? { format: 'json' as const, keyed: { keyAs: 'entity_id' } } : { format: 'json' as const };
  const start = process.hrtime.bigint();
  let records = 0;
  for await (const batch of decodeRecords(fs.createReadStream(file), decode, selector, { onReject: () => undefined })) records += batch.length;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  // maxRSS is in kilobytes: the process's high-water mark, including V8, the engine's heap and every buffer.
  process.stdout.write(`${JSON.stringify({ records, seconds, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
  process.exit(0);
}

main().catch((e) => {
  process.stderr.write(`keyed-records-child: ${(e as Error).stack}\n`);
  process.exit(1);
});
