/**
 * How DIF reaches Redshift, from the environment. Either a URL (DIF_REDSHIFT_URL, the
 * password in it) or IAM: temporary database credentials from GetClusterCredentials
 * (a provisioned cluster: DIF_REDSHIFT_CLUSTER_ID and DIF_REDSHIFT_DB_USER) or from
 * Redshift Serverless GetCredentials (DIF_REDSHIFT_WORKGROUP), with DIF_REDSHIFT_HOST.
 * The COPY reads the CSV parts from S3 with the role DIF_REDSHIFT_IAM_ROLE.
 */
export interface RedshiftSettings {
  url?: string;
  host?: string;
  port: number;
  database: string;
  clusterId?: string;
  dbUser?: string;
  workgroup?: string;
  /** The cluster's region, for the IAM credential calls. */
  region: string;
  /** The role Redshift assumes to read the parts from S3 (COPY … IAM_ROLE). */
  iamRole: string;
  /** The bucket's region when it is not the cluster's (COPY … REGION). */
  s3Region?: string;
}

export function redshiftSettings(env: NodeJS.ProcessEnv = process.env): RedshiftSettings {
  const get = (name: string) => env[name] || undefined;
  return {
    url: get('DIF_REDSHIFT_URL'),
    host: get('DIF_REDSHIFT_HOST'),
    port: Number(get('DIF_REDSHIFT_PORT') ?? 5439),
    database: get('DIF_REDSHIFT_DATABASE') ?? 'dev',
    clusterId: get('DIF_REDSHIFT_CLUSTER_ID'),
    dbUser: get('DIF_REDSHIFT_DB_USER'),
    workgroup: get('DIF_REDSHIFT_WORKGROUP'),
    region: get('DIF_REDSHIFT_REGION') ?? get('DIF_S3_REGION') ?? 'us-east-1',
    iamRole: get('DIF_REDSHIFT_IAM_ROLE') ?? '',
    s3Region: get('DIF_REDSHIFT_S3_REGION'),
  };
}

/** Which way to connect, or a message naming the variables missing. */
export function connectionMode(s: RedshiftSettings): 'url' | 'cluster' | 'serverless' {
  if (s.url) return 'url';
  if (!s.host) throw new Error('DIF_WAREHOUSE=redshift needs DIF_REDSHIFT_URL, or DIF_REDSHIFT_HOST with IAM (DIF_REDSHIFT_CLUSTER_ID and DIF_REDSHIFT_DB_USER, or DIF_REDSHIFT_WORKGROUP)');
  if (s.workgroup) return 'serverless';
  if (s.clusterId && s.dbUser) return 'cluster';
  throw new Error(`DIF_REDSHIFT_HOST=${s.host} needs DIF_REDSHIFT_CLUSTER_ID and DIF_REDSHIFT_DB_USER (a provisioned cluster) or DIF_REDSHIFT_WORKGROUP (Serverless)`);
}
