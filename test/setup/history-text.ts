import type { WorkflowHandle } from '@temporalio/client';

/**
 * A run's whole history as text, with every payload decoded from base64 as the Web UI
 * shows it: what secret and PII scans search.
 */
export async function historyText(handle: WorkflowHandle): Promise<string> {
  const history = await handle.fetchHistory();
  const payloads: string[] = [];
  JSON.stringify(history, (key, value) => {
    if (key === 'data' && typeof value === 'string') payloads.push(Buffer.from(value, 'base64').toString('utf8'));
    if (key === 'data' && value?.type === 'Buffer') payloads.push(Buffer.from(value.data).toString('utf8'));
    return value;
  });
  return [JSON.stringify(history), ...payloads].join('\n');
}
