import type mysql from 'mysql2/promise';

/** Whose cursor: one customer's stream of one vendor, in one partition ('' without partitions). */
export interface StateScope {
  customer: string;
  vendor: string;
  stream: string;
  partition: string;
}

export interface StoredState extends StateScope {
  cursor: string;
  setBy: string;
  updatedAt: string;
}

/**
 * The stored cursors of incremental streams (table stream_state). `raise` only ever moves a
 * cursor forward, so a late or repeated write (an activity retried, a run finishing after a
 * newer one) can never rewind it; only `dif state set|reset` (`put`, `remove`) can.
 */
export class StreamStateStore {
  constructor(private readonly pool: mysql.Pool) {}

  async get(scope: StateScope): Promise<string | undefined> {
    const [rows] = await this.pool.query<mysql.RowDataPacket[]>(
      'SELECT cursor_value FROM stream_state WHERE customer_id = ? AND vendor = ? AND stream = ? AND partition_id = ?',
      [scope.customer, scope.vendor, scope.stream, scope.partition],
    );
    return rows[0]?.cursor_value as string | undefined;
  }

  /** Stores `cursor` unless a later one is stored (GREATEST on canonical ISO text). Returns the value now stored. */
  async raise(scope: StateScope, cursor: string, setBy: string): Promise<string> {
    await this.pool.query(
      `INSERT INTO stream_state (customer_id, vendor, stream, partition_id, cursor_value, set_by) VALUES (?, ?, ?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE set_by = IF(VALUES(cursor_value) > cursor_value, VALUES(set_by), set_by),
                               cursor_value = GREATEST(cursor_value, VALUES(cursor_value))`,
      [scope.customer, scope.vendor, scope.stream, scope.partition, cursor, setBy],
    );
    return (await this.get(scope))!;
  }

  /** Sets the cursor to `cursor`, backwards too (`dif state set`). */
  async put(scope: StateScope, cursor: string, setBy: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO stream_state (customer_id, vendor, stream, partition_id, cursor_value, set_by) VALUES (?, ?, ?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE cursor_value = VALUES(cursor_value), set_by = VALUES(set_by)`,
      [scope.customer, scope.vendor, scope.stream, scope.partition, cursor, setBy],
    );
  }

  /** Forgets the cursors of a customer's vendor (one stream, or all): the next run reads from `start`. Returns how many were removed. */
  async remove(customer: string, vendor: string, stream?: string): Promise<number> {
    const [result] = await this.pool.query<mysql.ResultSetHeader>(
      `DELETE FROM stream_state WHERE customer_id = ? AND vendor = ?${stream ? ' AND stream = ?' : ''}`,
      stream ? [customer, vendor, stream] : [customer, vendor],
    );
    return result.affectedRows;
  }

  /** Every stored cursor of a customer's vendor (one stream, or all), by stream and partition. */
  async list(customer: string, vendor: string, stream?: string): Promise<StoredState[]> {
    const [rows] = await this.pool.query<mysql.RowDataPacket[]>(
      `SELECT stream, partition_id, cursor_value, set_by, updated_at FROM stream_state
        WHERE customer_id = ? AND vendor = ?${stream ? ' AND stream = ?' : ''} ORDER BY stream, partition_id`,
      stream ? [customer, vendor, stream] : [customer, vendor],
    );
    return rows.map((r) => ({
      customer,
      vendor,
      stream: r.stream,
      partition: r.partition_id,
      cursor: r.cursor_value,
      setBy: r.set_by,
      updatedAt: new Date(r.updated_at).toISOString(),
    }));
  }
}
