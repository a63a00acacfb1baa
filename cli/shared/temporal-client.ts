import { Client, Connection } from '@temporalio/client';
import { webUiLink, type Settings } from '../../adapters/settings';
import { ServiceDownError } from '../../adapters/health';

export async function connectTemporal(settings: Settings): Promise<{ client: Client; close: () => Promise<void> }> {
  let connection: Connection;
  try {
    connection = await Connection.connect({ address: settings.temporalAddress, connectTimeout: 5000 });
  } catch {
    throw new ServiceDownError([
      { name: 'temporal', address: settings.temporalAddress, up: false, fix: 'npm run services -- up temporal' },
    ]);
  }
  return { client: new Client({ connection, namespace: settings.temporalNamespace }), close: () => connection.close() };
}

export function uiUrl(settings: Settings, workflowId: string, runId: string): string {
  return webUiLink(settings, workflowId, runId);
}
