/**
 * What a stored raw answer is called and labelled, by what it is: a gzip CSV report is
 * `page-000001.csv.gz` (application/gzip), not `.json`, so whoever browses the object store
 * (or a tool that guesses by name) reads it as what it is. Keys of JSON pages are unchanged.
 */

const TYPES: Record<string, string> = {
  json: 'application/json',
  ndjson: 'application/x-ndjson',
  csv: 'text/csv',
  tsv: 'text/tab-separated-values',
  xml: 'application/xml',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  gz: 'application/gzip',
  zip: 'application/zip',
};

/**
 * The extension for a body of `format` packed with `compression`: `csv.gz`, `ndjson.zip`,
 * `json`. `auto` (detected when read) and `none` add nothing: what the bytes are is unknown, or plain.
 */
export function rawExtension(format: string, compression?: string): string {
  if (compression === 'gzip') return `${format}.gz`;
  if (compression === 'zip') return `${format}.zip`;
  return format;
}

/** The content type of a body with that extension: its outer packing decides (a `.csv.gz` is gzip). */
export function rawContentType(extension: string): string {
  return TYPES[extension.split('.').at(-1) ?? ''] ?? 'application/octet-stream';
}
