-- The cursor of each incremental stream (config `incremental`), one row per customer, vendor,
-- stream and partition ('' for a stream without partitions). Written only after a load
-- committed, and only ever raised (GREATEST): a worker killed between the load and this
-- write leaves the older value, so the next run reads the same rows again and the merge by
-- key replaces them. `dif state set|reset` moves it by hand (either way), recorded in set_by.
CREATE TABLE stream_state (
  customer_id  VARCHAR(64)   NOT NULL,
  vendor       VARCHAR(64)   NOT NULL,
  stream       VARCHAR(64)   NOT NULL,
  partition_id VARCHAR(128)  NOT NULL DEFAULT '',
  -- Canonical ISO 8601 UTC (2026-11-30T08:15:00.000Z): compares as text, so GREATEST is right.
  cursor_value VARCHAR(64)   NOT NULL,
  -- The run that stored it (workflow run id), or `dif state set` / `dif state reset`.
  set_by       VARCHAR(128)  NOT NULL,
  updated_at   TIMESTAMP(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (customer_id, vendor, stream, partition_id)
);
