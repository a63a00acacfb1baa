-- Customers, the vendors each one uses (with the inputs its vendor config asks for),
-- per-customer overrides of vendor settings, and encrypted credentials.
CREATE TABLE customers (
  id          VARCHAR(64)  NOT NULL PRIMARY KEY,
  name        VARCHAR(255) NOT NULL,
  clean_room  BOOLEAN      NOT NULL DEFAULT FALSE,
  created_at  TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
);

CREATE TABLE customer_vendors (
  customer_id VARCHAR(64)  NOT NULL,
  vendor      VARCHAR(64)  NOT NULL,
  -- Values for the config's declared inputs, e.g. {"account_id": "123"}. Never secrets.
  inputs      JSON         NOT NULL,
  -- Per-customer overrides of vendor settings, e.g. {"baseUrl": "...", "semaphore": {"limit": 1}}.
  overrides   JSON         NOT NULL,
  enabled     BOOLEAN      NOT NULL DEFAULT TRUE,
  updated_at  TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (customer_id, vendor),
  CONSTRAINT fk_customer_vendors_customer FOREIGN KEY (customer_id) REFERENCES customers (id)
);

-- Envelope-encrypted secrets: AES-256-GCM under a per-secret data key, which is stored
-- wrapped by KMS. (customer_id, vendor, name) is bound in as additional authenticated data.
CREATE TABLE credentials (
  customer_id        VARCHAR(64)    NOT NULL,
  vendor             VARCHAR(64)    NOT NULL,
  name               VARCHAR(64)    NOT NULL,
  ciphertext         VARBINARY(8192) NOT NULL,
  encrypted_data_key VARBINARY(1024) NOT NULL,
  key_id             VARCHAR(255)   NOT NULL,
  created_at         TIMESTAMP(3)   NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at         TIMESTAMP(3)   NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (customer_id, vendor, name)
);
