/**
 * A pg pool onto Redshift, always over TLS (certificates verified). By URL, or with IAM:
 * each new connection takes temporary credentials, fetched again shortly before they
 * expire.
 */
import pg from 'pg';
import { GetClusterCredentialsCommand, RedshiftClient } from '@aws-sdk/client-redshift';
import { GetCredentialsCommand, RedshiftServerlessClient } from '@aws-sdk/client-redshift-serverless';
import { connectionMode, type RedshiftSettings } from './settings';

interface DbCredentials {
  user: string;
  password: string;
  expires: number;
}

const REFRESH_MARGIN_MS = 60_000;

export function redshiftPool(s: RedshiftSettings): pg.Pool {
  const mode = connectionMode(s);
  const ssl = { rejectUnauthorized: true };
  if (mode === 'url') return new pg.Pool({ connectionString: s.url, ssl, max: 4 });
  const fetch = mode === 'cluster' ? clusterCredentials(s) : serverlessCredentials(s);
  let cached: Promise<DbCredentials> | undefined;
  const current = async (): Promise<DbCredentials> => {
    const held = cached && (await cached.catch(() => undefined));
    if (!held || held.expires - Date.now() < REFRESH_MARGIN_MS) cached = fetch();
    return cached!;
  };
  // pg reads the user when a connection starts: a client class that sets it from fresh credentials first.
  const connect = pg.Client.prototype.connect;
  class IamClient extends pg.Client {}
  Object.defineProperty(IamClient.prototype, 'connect', {
    value(this: pg.Client & { user: string; password: string }, callback?: (err: Error | null) => void) {
      const ready = current().then((c) => {
        this.user = c.user;
        this.password = c.password;
        return (connect as unknown as () => Promise<void>).call(this);
      });
      if (!callback) return ready;
      ready.then(() => callback(null), callback);
      return undefined;
    },
  });
  return new pg.Pool({ host: s.host, port: s.port, database: s.database, ssl, max: 4, Client: IamClient });
}

function clusterCredentials(s: RedshiftSettings): () => Promise<DbCredentials> {
  const client = new RedshiftClient({ region: s.region });
  return async () => {
    const out = await client.send(new GetClusterCredentialsCommand({ ClusterIdentifier: s.clusterId, DbUser: s.dbUser, DbName: s.database, DurationSeconds: 3600 }));
    return { user: out.DbUser!, password: out.DbPassword!, expires: out.Expiration?.getTime() ?? Date.now() + 900_000 };
  };
}

function serverlessCredentials(s: RedshiftSettings): () => Promise<DbCredentials> {
  const client = new RedshiftServerlessClient({ region: s.region });
  return async () => {
    const out = await client.send(new GetCredentialsCommand({ workgroupName: s.workgroup, dbName: s.database, durationSeconds: 3600 }));
    return { user: out.dbUser!, password: out.dbPassword!, expires: out.expiration?.getTime() ?? Date.now() + 900_000 };
  };
}
