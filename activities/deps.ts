import type { BundleLimits } from '../steps/shared/answer-bundles';
import type Redis from 'ioredis';
import type { ObjectStore } from '../adapters/object-store';
import type { CustomerRepository } from '../adapters/mysql/customers';
import type { CredentialStore } from '../adapters/mysql/credentials';
import type { FileManifest } from '../adapters/mysql/file-manifest';
import type { StreamStateStore } from '../adapters/mysql/stream-state';
import type { RedisSemaphores } from '../adapters/locks/semaphores';
import type { Warehouse } from '../adapters/warehouse/warehouse';
import type { VendorConfigs } from '../adapters/vendor-configs';
import type { TableLockTiming } from './table-lock';
import type { HttpTrace } from './http-trace';

/** Everything activities touch, wired by a worker (workers/) or a test. */
export interface ActivityDeps {
  vendorConfigs: VendorConfigs;
  objectStore: ObjectStore;
  customers: CustomerRepository;
  credentials: CredentialStore;
  /** What files steps took from their sources (MySQL file_manifest). */
  fileManifest: FileManifest;
  /** The stored cursors of incremental streams (MySQL stream_state). */
  streamState: StreamStateStore;
  semaphores: RedisSemaphores;
  /** The warehouse DIF loads into (adapters/warehouse/registry.ts). */
  warehouse: Warehouse;
  /** For the vendors' request rate limits, shared by all workers. */
  redis: Redis;
  /** Table lock lease and polling (activities/table-lock.ts); tests shorten them. */
  tableLock?: Partial<TableLockTiming>;
  /**
   * Clean-room worker only: DIF's object store, where pinned configs are read from and
   * protected CSVs are exported to. Raw responses and rejects stay in `objectStore`, the
   * customer's own store.
   */
  difStore?: ObjectStore;
  /** Where pinned configs are read (the clean-room worker reads DIF's); default objectStore. */
  configStore?: ObjectStore;
  /** A fan-out batch's answers per bundle (steps/shared/answer-bundles.ts; default DEFAULT_BUNDLE_LIMITS): tests make them small. */
  bundleLimits?: BundleLimits;
  /** Uncompressed CSV bytes per output part (default 256 MiB). */
  csvPartBytes?: number;
  /**
   * Fixes how many parts the CSV output is a multiple of, instead of asking the warehouse
   * (Warehouse.partMultiple): `dif try`, which never touches the warehouse, sets 1.
   */
  csvPartMultiple?: number;
  /** Authoring commands only (`dif try`, `dif fixtures record`): sees every vendor exchange, scrubbed (activities/http-trace.ts). */
  trace?: HttpTrace;
}
