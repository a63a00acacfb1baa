/**
 * How many CSV parts the preprocessor keeps open at once, so that a warehouse that loads
 * parts in parallel gets a part count that is a multiple of its parallelism (Redshift: the
 * cluster's slices; AWS Redshift Developer Guide, "Loading data from compressed and
 * uncompressed files": "split your data into files so that the number of files is a
 * multiple of the number of slices", files "roughly the same size, from 1 MB to 1 GB after
 * compression", since Redshift does not weigh file sizes when it deals files to slices).
 * Pure: the part writer (adapters/csv-output/part-writer.ts) applies it.
 */

/**
 * The most parts open at once. Each open part holds a gzip stream (about 256 KiB of zlib
 * state at level 1) and, on S3, a multipart upload buffering at least one 5 MiB part: 64
 * open parts are about 350 MiB in the worst case, the ceiling we accept for one
 * preprocess activity. A cluster with more slices than this (ra3.16xlarge has 16 a node,
 * so more than 4 such nodes) gets sets of a divisor of its slice count: two or more sets
 * then make a multiple of it.
 */
export const MAX_OPEN_PARTS = 64;

/**
 * Uncompressed CSV bytes the first part must hold before the output is split into a set of
 * parts: below it the whole output stays one part. 8 MiB of the csv-writer bench's rows
 * (bench/csv-writer.ts) is 1.41 MiB after gzip level 1 (5.7 times smaller, measured
 * 2026-12-03), above AWS's 1 MB floor, so a split does not make parts too small to be
 * worth a slice. Later sets open whole, so the last set's parts may be smaller (or hold
 * only the header): the count stays a multiple, and each set is balanced within itself.
 */
export const MIN_SPLIT_PART_BYTES = 8 * 1024 * 1024;

/**
 * How many parts a set holds for a warehouse whose part count should be a multiple of
 * `multiple`: the multiple itself, or its greatest divisor not above `maxOpen`. Anything
 * that is not a whole number of at least 1 (a warehouse that could not tell) is 1: parts
 * close one at a time by size, as for Postgres.
 */
export function partSetWidth(multiple: number, maxOpen = MAX_OPEN_PARTS): number {
  if (!Number.isInteger(multiple) || multiple < 1) return 1;
  for (let width = Math.min(multiple, Math.max(1, Math.floor(maxOpen))); width > 1; width--) {
    if (multiple % width === 0) return width;
  }
  return 1;
}

/**
 * Which part of an open set takes the next batch: the one holding the fewest bytes, the
 * first of them on a tie, so the set stays balanced within one batch and a retry of the
 * same input deals every batch to the same part (the parts' keys and contents are the
 * same on every attempt).
 */
export function leastFilled(bytes: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < bytes.length; i++) if (bytes[i] < bytes[best]) best = i;
  return best;
}
