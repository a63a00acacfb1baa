import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { from as copyFrom } from 'pg-copy-streams';
import type { Stager } from '../sql-warehouse';

/**
 * Stages by streaming each CSV part through `COPY … FROM STDIN`, one part at a time: how
 * Postgres loads, and how the suite stands in for Redshift's S3 COPY when it runs the
 * Redshift dialect against Postgres.
 */
export const stdinStager: Stager = {
  sourceOf: () => ({ kind: 'stdin' }),
  async copy(client, sql, parts) {
    let staged = 0;
    for (const part of parts) {
      const copy = client.query(copyFrom(sql));
      const source = await part.open();
      await (part.gzip ? pipeline(source, createGunzip(), copy) : pipeline(source, copy));
      staged += Number(copy.rowCount);
    }
    return staged;
  },
};
