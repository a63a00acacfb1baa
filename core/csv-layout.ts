/**
 * The CSV layout every warehouse loads: the config's columns in order, then the metadata
 * columns DIF adds. It belongs to the core, not to a warehouse module: the CSV writer
 * (adapters/csv-output), the clean-room export and each warehouse's COPY all read it here.
 * Pure.
 */
import type { TableConfig } from './config-schema';

/** Columns DIF adds to every table: who the row belongs to and which run wrote it. */
export const METADATA_COLUMNS = [
  { name: '_dif_customer', type: 'string' },
  { name: '_dif_run_id', type: 'string' },
  { name: '_dif_extracted_at', type: 'timestamp' },
] as const;

/** Every column of the table's CSV, in order: the config's, then the metadata columns. */
export function csvColumnsOf(table: Pick<TableConfig, 'columns'>): string[] {
  return [...table.columns.map((c) => c.name), ...METADATA_COLUMNS.map((c) => c.name)];
}
