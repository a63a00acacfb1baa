/** The first rows of a run's CSV (its gzip parts, through the manifest) or of one gzip CSV file, for previews. */
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';
import type { ObjectStore } from '../../adapters/object-store/object-store';
import type { Manifest } from '../../core/output-plan';

export interface CsvHead {
  header: string[];
  rows: string[][];
}

/** `key` is a manifest (manifest.json) or, with `single`, one gzip CSV file; at most `limit` rows are read. */
export async function csvHead(store: ObjectStore, key: string, limit: number, single = false): Promise<CsvHead> {
  const parts = single ? [key] : partKeys(store, JSON.parse(await store.getText(key)) as Manifest);
  const head: CsvHead = { header: [], rows: [] };
  for (const part of parts) {
    if (head.rows.length >= limit) break;
    const source = await store.getStream(part);
    const rows = source.pipe(createGunzip()).pipe(parse({ relax_column_count: true }));
    let first = true;
    try {
      for await (const row of rows as AsyncIterable<string[]>) {
        if (first) {
          head.header = row;
          first = false;
        } else if (head.rows.length < limit) head.rows.push(row);
        else break;
      }
    } finally {
      // Leaving early stops the parser but not the part's stream (pipe does not pass it back): its file or socket is let go here.
      source.destroy();
    }
  }
  return head;
}

/** A manifest's entries are the store's URLs (`s3://bucket/key`, `file:///dir/key`): the keys are what follows the location. */
function partKeys(store: ObjectStore, manifest: Manifest): string[] {
  return manifest.entries.map((e) => e.url.slice(store.location.length + 1));
}
