/**
 * Amazon Redshift: the shared SQL executor (../sql-warehouse.ts) in the Redshift dialect,
 * staging by COPY from the S3 manifest. Connection by URL or IAM (connection.ts).
 */
import type { Settings } from '../../settings';
import type { WarehouseEndpoint, WarehouseModule } from '../warehouse';
import { SqlWarehouse } from '../sql-warehouse';
import { redshiftPool } from './connection';
import { s3ManifestStager } from './s3-stager';
import { redshiftSettings } from './settings';
import { isServerless, sliceCount } from './slices';

function create(settings: Settings): SqlWarehouse {
  const s = redshiftSettings();
  if (!s.iamRole) throw new Error('DIF_WAREHOUSE=redshift needs DIF_REDSHIFT_IAM_ROLE: the role Redshift assumes to read the CSV parts from S3');
  const pool = redshiftPool(s);
  pool.on('error', () => undefined); // idle-client errors; the next checkout reconnects
  return new SqlWarehouse({
    kind: 'redshift',
    dialect: 'redshift',
    pool,
    schema: settings.warehouseSchema,
    stager: { ...s3ManifestStager({ iamRole: s.iamRole, region: s.s3Region }), partMultiple: (p) => sliceCount(p, isServerless(s)) },
    endpoint: endpoint(),
  });
}

function endpoint(): WarehouseEndpoint {
  const s = redshiftSettings();
  const url = s.url ? new URL(s.url) : undefined;
  const address = url ? `${url.hostname}:${url.port || 5439}` : `${s.host ?? '(DIF_REDSHIFT_HOST unset)'}:${s.port}`;
  return { name: 'redshift', address, fix: 'check that the cluster is available and the DIF_REDSHIFT_* settings (README: "Loading into Redshift")' };
}

export const redshift: WarehouseModule = { create, endpoint };
