import { createHash } from 'node:crypto';
import type mysql from 'mysql2/promise';

/** The files of one step of one stream, for one customer, from one source. */
export interface FileScope {
  vendor: string;
  customerId: string;
  stream: string;
  step: string;
  /** The source without credentials: `sftp://host:22/outbound`. */
  source: string;
}

export interface ManifestEntry {
  path: string;
  size: number;
  sha256: string;
  fingerprint: string;
  modifiedAt?: string;
  fileDate?: string;
  /** The file's name and the source's facts about it (an e-mail's subject): `parent` in expressions. */
  facts?: Record<string, unknown>;
  objectKey: string;
  runId: string;
}

/**
 * What was taken from file sources (table file_manifest): one row per distinct content of
 * a file. A row is written only after its object is stored, so a row always points at a
 * complete object; a crash before the write means the file is simply taken again.
 */
export class FileManifest {
  constructor(private readonly pool: mysql.Pool) {}

  /**
   * The current content of each file of the scope that was either listed now (`paths`) or
   * is dated inside the window: a re-run of a window includes files taken before even when
   * the source no longer shows them (a message moved away, a file cleaned up).
   */
  async current(scope: FileScope, paths: string[], window?: { from: string; to: string }): Promise<Map<string, ManifestEntry>> {
    const hashes = paths.map((p) => pathHash(scope.source, p));
    const [rows] = await this.pool.query<mysql.RowDataPacket[]>(
      `SELECT path, size, sha256, fingerprint, modified_at, DATE_FORMAT(file_date, '%Y-%m-%d') AS file_date, facts, object_key, run_id
         FROM file_manifest
        WHERE vendor = ? AND customer_id = ? AND stream = ? AND step = ? AND source = ?
          AND (path_hash IN (?) OR file_date BETWEEN ? AND ?)
        ORDER BY recorded_at, id`,
      [scope.vendor, scope.customerId, scope.stream, scope.step, scope.source, hashes.length ? hashes : [''], window?.from ?? null, window?.to ?? null],
    );
    const out = new Map<string, ManifestEntry>();
    for (const r of rows) {
      // Ordered oldest first: the last row of a path is its current content.
      out.set(r.path, {
        path: r.path,
        size: Number(r.size),
        sha256: r.sha256,
        fingerprint: r.fingerprint,
        modifiedAt: r.modified_at ? new Date(r.modified_at).toISOString() : undefined,
        fileDate: r.file_date ?? undefined,
        facts: typeof r.facts === 'string' ? JSON.parse(r.facts) : (r.facts ?? undefined),
        objectKey: r.object_key,
        runId: r.run_id,
      });
    }
    return out;
  }

  /**
   * Records a stored file. The same content seen again (re-uploaded unchanged, or taken
   * again because its stored object was deleted) keeps its first row and run, takes the new
   * fingerprint and object, and becomes the path's current row again.
   * Returns whether this content is new for the path.
   */
  async record(scope: FileScope, entry: ManifestEntry): Promise<boolean> {
    const [result] = await this.pool.query<mysql.ResultSetHeader>(
      `INSERT INTO file_manifest
         (vendor, customer_id, stream, step, source, path, path_hash, size, sha256, fingerprint, modified_at, file_date, facts, object_key, run_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE fingerprint = VALUES(fingerprint), modified_at = VALUES(modified_at),
         file_date = COALESCE(VALUES(file_date), file_date), object_key = VALUES(object_key), recorded_at = CURRENT_TIMESTAMP(3)`,
      [
        scope.vendor,
        scope.customerId,
        scope.stream,
        scope.step,
        scope.source,
        entry.path,
        pathHash(scope.source, entry.path),
        entry.size,
        entry.sha256,
        entry.fingerprint,
        entry.modifiedAt ? new Date(entry.modifiedAt) : null,
        entry.fileDate ?? null,
        entry.facts ? JSON.stringify(entry.facts) : null,
        entry.objectKey,
        entry.runId,
      ],
    );
    return result.affectedRows === 1; // 1: inserted; 2: an existing row updated
  }

  /** Every row of a scope, oldest first: for operators and tests. */
  async list(scope: Omit<FileScope, 'source'>): Promise<(ManifestEntry & { source: string })[]> {
    const [rows] = await this.pool.query<mysql.RowDataPacket[]>(
      `SELECT source, path, size, sha256, fingerprint, object_key, run_id FROM file_manifest
        WHERE vendor = ? AND customer_id = ? AND stream = ? AND step = ? ORDER BY id`,
      [scope.vendor, scope.customerId, scope.stream, scope.step],
    );
    return rows.map((r) => ({ source: r.source, path: r.path, size: Number(r.size), sha256: r.sha256, fingerprint: r.fingerprint, objectKey: r.object_key, runId: r.run_id }));
  }
}

export function pathHash(source: string, path: string): string {
  return createHash('sha256').update(`${source}\n${path}`).digest('hex');
}
