/**
 * The items a dependent step calls for (or an async step's jobs take in batches), stored in
 * pieces of ITEMS_PER_PIECE so that a batch reads only the pieces it covers. A fan-out of
 * 50,000 items in batches of one used to read (and parse) the whole list once per batch:
 * 50,000 × 50,000 items, hours of parsing. Runs planned before pieces existed stored the
 * list as one `items.json`, and a run resumed after an upgrade still reads it.
 */
import type { ObjectStore } from '../adapters/object-store';

export interface StoredItem {
  item: unknown;
  ancestors: unknown[];
}

/** Items per stored piece: a batch of up to 1,000 items reads at most two pieces. */
export const ITEMS_PER_PIECE = 1000;

/** An items key naming a folder of pieces ends with '/'; an older one names one JSON file. */
const isPieces = (itemsKey: string) => itemsKey.endsWith('/');

const pieceKey = (folder: string, piece: number) => `${folder}piece-${String(piece).padStart(6, '0')}.json`;

/** Writes items piece by piece as they come; the caller holds at most one piece. */
export class ItemListWriter {
  private piece: StoredItem[] = [];
  private pieces = 0;
  count = 0;

  /** `folder` ends with '/'; it becomes the list's items key. */
  constructor(private readonly store: ObjectStore, readonly folder: string) {
    if (!isPieces(folder)) throw new Error(`an items folder ends with '/': ${folder}`);
  }

  async add(entry: StoredItem): Promise<void> {
    this.piece.push(entry);
    this.count++;
    if (this.piece.length === ITEMS_PER_PIECE) await this.flush();
  }

  /** Writes the last piece (an empty list writes none). */
  async close(): Promise<{ itemsKey: string; count: number }> {
    if (this.piece.length) await this.flush();
    return { itemsKey: this.folder, count: this.count };
  }

  private async flush(): Promise<void> {
    // Keys fixed by the piece number: a retried planItems rewrites the same objects.
    await this.store.put(pieceKey(this.folder, this.pieces++), JSON.stringify(this.piece), 'application/json');
    this.piece = [];
  }
}

/** Items [start, end) of a stored list, reading only the pieces that hold them. */
export async function readItems(store: ObjectStore, itemsKey: string, start: number, end: number): Promise<StoredItem[]> {
  if (!isPieces(itemsKey)) return (JSON.parse(await store.getText(itemsKey)) as StoredItem[]).slice(start, end);
  const out: StoredItem[] = [];
  for (let piece = Math.floor(start / ITEMS_PER_PIECE); piece * ITEMS_PER_PIECE < end; piece++) {
    const first = piece * ITEMS_PER_PIECE;
    const items = JSON.parse(await store.getText(pieceKey(itemsKey, piece))) as StoredItem[];
    out.push(...items.slice(Math.max(0, start - first), end - first));
    // The last piece may be short; a range past the list's end stops there.
    if (items.length < ITEMS_PER_PIECE) break;
  }
  return out;
}
