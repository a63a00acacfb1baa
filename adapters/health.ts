/**
 * Which of DIF's services answer, and what starts the ones that don't. Used by the CLI
 * before it starts a run, by workers at start-up, and to turn a bare ECONNREFUSED inside an
 * activity into a sentence naming the service and its fix.
 */
import net from 'node:net';
import type { Settings } from './settings';
import { warehouseEndpoint } from './warehouse/registry';
import type { WarehouseEndpoint } from './warehouse/warehouse';

export interface ServiceCheck {
  /** The warehouse's is its registry name (adapters/warehouse/registry.ts). */
  name: 'temporal' | 'mysql' | 'redis' | 's3' | 'kms' | WarehouseEndpoint['name'];
  address: string;
  up: boolean;
  fix: string;
}

function hostPort(url: string, defaultPort: number): string {
  if (!url.includes('://')) return url;
  const u = new URL(url);
  return `${u.hostname}:${u.port || defaultPort}`;
}

export function serviceAddresses(settings: Settings): Omit<ServiceCheck, 'up'>[] {
  const fix = (name: string) => `npm run services -- up ${name}`;
  const list: Omit<ServiceCheck, 'up'>[] = [
    { name: 'temporal', address: settings.temporalAddress, fix: fix('temporal') },
    { name: 'mysql', address: hostPort(settings.mysqlUrl, 3306), fix: fix('mysql') },
    { name: 'redis', address: hostPort(settings.redisUrl, 6379), fix: fix('redis') },
    // The warehouse: where its module says it listens (adapters/warehouse/registry.ts).
    warehouseEndpoint(settings),
  ];
  if (settings.objectStore.kind === 's3' && settings.objectStore.endpoint) {
    list.push({ name: 's3', address: hostPort(settings.objectStore.endpoint, 443), fix: fix('s3') });
  }
  if (settings.kms.kind === 'aws' && settings.kms.endpoint) {
    list.push({ name: 'kms', address: hostPort(settings.kms.endpoint, 443), fix: fix('kms') });
  }
  return list;
}

function reachable(address: string, timeoutMs: number): Promise<boolean> {
  const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export async function checkServices(settings: Settings, names?: ServiceCheck['name'][], timeoutMs = 1500): Promise<ServiceCheck[]> {
  const wanted = serviceAddresses(settings).filter((s) => !names || names.includes(s.name));
  return Promise.all(wanted.map(async (s) => ({ ...s, up: await reachable(s.address, timeoutMs) })));
}

export class ServiceDownError extends Error {
  constructor(readonly down: ServiceCheck[]) {
    super(down.map((s) => `${s.name} is not reachable at ${s.address}; start it with: ${s.fix}`).join('\n'));
    this.name = 'ServiceDownError';
  }
}

export async function requireServices(settings: Settings, names?: ServiceCheck['name'][]): Promise<void> {
  const down = (await checkServices(settings, names)).filter((s) => !s.up);
  if (down.length) throw new ServiceDownError(down);
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET']);

/** If `error` is a failed connection to one of DIF's services, that service (marked down) and its code. */
export function downServiceOf(error: unknown, settings: Settings): { service: ServiceCheck; code: string } | undefined {
  const e = error as { code?: string; address?: string; port?: number; errors?: unknown[]; message?: string };
  const inner = (e?.errors?.[0] as typeof e) ?? e;
  if (!inner?.code || !CONNECTION_CODES.has(inner.code)) return undefined;
  const target = inner.address && inner.port ? `${inner.address}:${inner.port}` : undefined;
  const service = serviceAddresses(settings).find((s) => {
    if (target) return s.address === target || s.address.endsWith(`:${inner.port}`);
    return e.message?.includes(s.address);
  });
  return service ? { service: { ...service, up: false }, code: inner.code } : undefined;
}

/** If `error` is a failed connection to one of DIF's services, a sentence naming it and its fix. */
export function explainConnectionError(error: unknown, settings: Settings): string | undefined {
  const down = downServiceOf(error, settings);
  if (!down) return undefined;
  return `${down.service.name} is not reachable at ${down.service.address} (${down.code}); start it with: ${down.service.fix}`;
}

/**
 * A service answers but is not set up for DIF: its database is missing or not migrated.
 * The message names the service, where it is, and the command that sets it up.
 */
export class ServiceNotReadyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServiceNotReadyError';
  }
}
