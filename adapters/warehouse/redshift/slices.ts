/**
 * How many slices the Redshift cluster has: the preprocessor makes the part count a
 * multiple of it (core/part-sets.ts), so COPY deals the same work to every slice (AWS
 * Redshift Developer Guide, "Loading data from compressed and uncompressed files").
 *
 * STV_SLICES maps slices to nodes and is visible to all users ("STV_SLICES", Developer
 * Guide). Redshift Serverless has no STV tables for users ("System monitoring (provisioned
 * only)": STL, STV, SVCS and SVL cannot be queried there) and no fixed slices: its compute
 * is sized in RPUs and scales per query, so there is nothing to round to. A Serverless
 * workgroup (DIF_REDSHIFT_WORKGROUP) is not asked, and a server that refuses the query
 * (no such view, no permission) or shows no rows gets 1: parts then close one at a time by
 * size, as for Postgres. A connection failure is not an answer: it fails the asking
 * activity, whose retry asks again.
 */
import type pg from 'pg';
import { connectionMode, type RedshiftSettings } from './settings';

export const SLICE_COUNT_SQL = 'SELECT COUNT(*) AS slices FROM stv_slices';

export async function sliceCount(pool: pg.Pool, serverless: boolean): Promise<number> {
  if (serverless) return 1;
  try {
    const { rows } = await pool.query<{ slices: string | number }>(SLICE_COUNT_SQL);
    const slices = Number(rows[0]?.slices ?? 0);
    return Number.isInteger(slices) && slices > 0 ? slices : 1;
  } catch (e) {
    // A SQLSTATE (five characters) is the server's answer; anything else (ECONNREFUSED, a TLS failure) is not.
    if (/^[0-9A-Z]{5}$/.test((e as { code?: string }).code ?? '')) return 1;
    throw e;
  }
}

/** A Serverless workgroup: reached by IAM with DIF_REDSHIFT_WORKGROUP, or by a URL to its endpoint. */
export function isServerless(s: RedshiftSettings): boolean {
  if (connectionMode(s) === 'serverless') return true;
  return s.url !== undefined && new URL(s.url).hostname.endsWith('.redshift-serverless.amazonaws.com');
}
