/**
 * Stages by Redshift's own COPY from S3: the manifest toCsv wrote (core/output-plan.ts,
 * already in Redshift's manifest format) lists the gzip CSV parts, and Redshift reads them
 * in parallel with the IAM role. The parts must be in an S3 object store.
 */
import type { TableConfig } from '../../../core/config-schema';
import type { CsvPart } from '../warehouse';
import type { Stager } from '../sql-warehouse';
import type { CopySource } from '../table-plan';
import { loadErrorsOf } from './load-errors';

export function s3ManifestStager(options: { iamRole: string; region?: string }): Stager {
  return {
    sourceOf(table: TableConfig, parts: CsvPart[]): CopySource {
      return { kind: 'manifest', manifestUrl: manifestUrlOf(table, parts), iamRole: options.iamRole, ...(options.region ? { region: options.region } : {}) };
    },
    async copy(client, sql, parts) {
      if (parts.length === 0) return 0; // nothing to stage: Redshift refuses an empty manifest
      await client.query(sql);
      const { rows } = await client.query<{ n: string }>('SELECT pg_last_copy_count() AS n');
      return Number(rows[0].n);
    },
    explainFailure: (client) => loadErrorsOf(client),
  };
}

/** The one manifest every part of the table is listed in; an s3:// URL. */
export function manifestUrlOf(table: TableConfig, parts: CsvPart[]): string {
  if (parts.length === 0) return '';
  const urls = new Set(parts.map((p) => p.manifestUrl));
  const [url] = urls;
  if (urls.size !== 1 || !url?.startsWith('s3://')) {
    throw new Error(
      `table ${table.name}: Redshift COPYs its CSV parts from S3 through their manifest, but they are ${url ? `at ${[...urls].join(', ')}` : 'not in an object store'}; ` +
        'set DIF_OBJECT_STORE=s3 (README: "Loading into Redshift")',
    );
  }
  return url;
}
