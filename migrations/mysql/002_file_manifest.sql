-- Files taken from file sources (mailboxes, SFTP/FTP folders, buckets): one row per
-- distinct content of a file, recorded only after the file is stored in the object store.
-- A re-run finds a file here and reads the stored object instead of downloading it again;
-- a file re-sent with new content has a new sha256, so it gets a row of its own and is loaded.
CREATE TABLE file_manifest (
  id           BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
  vendor       VARCHAR(64)   NOT NULL,
  customer_id  VARCHAR(64)   NOT NULL,
  stream       VARCHAR(64)   NOT NULL,
  step         VARCHAR(64)   NOT NULL,
  -- The source without credentials, e.g. sftp://host:22/outbound or imap://host:993/INBOX.
  source       VARCHAR(512)  NOT NULL,
  -- Remote path, S3 key, or <message-id>/<attachment name>.
  path         VARCHAR(2048) NOT NULL,
  -- SHA-256 of source and path: an indexable stand-in for the long path.
  path_hash    CHAR(64)      NOT NULL,
  size         BIGINT        NOT NULL,
  sha256       CHAR(64)      NOT NULL,
  -- What the listing showed (size and mtime, ETag, message id): unchanged means not downloaded again.
  fingerprint  VARCHAR(512)  NOT NULL,
  modified_at  DATETIME(3)   NULL,
  -- The day the file is for (from its name or its modification time), when the step says.
  file_date    DATE          NULL,
  object_key   VARCHAR(1024) NOT NULL,
  -- The run that first took this content, and when; recorded_at moves when the same content
  -- is seen again under a new fingerprint (re-uploaded unchanged), so the latest row of a
  -- path is always its current content.
  run_id       VARCHAR(64)   NOT NULL,
  taken_at     TIMESTAMP(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  recorded_at  TIMESTAMP(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  UNIQUE KEY uq_file_manifest_content (vendor, customer_id, stream, step, path_hash, sha256),
  KEY ix_file_manifest_date (vendor, customer_id, stream, step, file_date)
);
