/**
 * `dif customers pii-encryption-key` and `dif customers pii-decrypt`: the customer's side of
 * `protect: "encrypt"` columns. Both run only inside the customer's clean room, with the
 * environment of its worker (DIF_CLEAN_ROOM_CUSTOMER, and DIF_MYSQL_URL / DIF_KMS… naming
 * its own MySQL and KMS), because the key they create or unwrap must never sit in DIF's
 * MySQL: whoever holds it can read every encrypted cell. The variable check is a guard
 * against running them against DIF's services by mistake, not a security boundary; that
 * is the customer's MySQL and KMS, which DIF's side cannot reach.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { loadSettings } from '../../adapters/settings';
import { createRuntime } from '../../workers/wiring';
import { ensurePiiEncryptionKey, revealPiiEncryptionKey } from '../../adapters/mysql/pii-keys';
import { InputError } from '../../core/run-plan';
import { PiiCipher } from '../../runtime/pii/encryption';
import { PiiDecryptError, type PiiKind } from '../../core/pii';

const KINDS = ['email', 'phone', 'name', 'address', 'ip', 'device_id'];

function insideCleanRoomOf(customer: string, command: string): void {
  if (process.env.DIF_CLEAN_ROOM_CUSTOMER === customer) return;
  throw new InputError(
    `dif customers ${command} runs only inside the clean room of customer "${customer}", against its own MySQL and KMS: ` +
      `set DIF_CLEAN_ROOM_CUSTOMER=${customer} and the DIF_MYSQL_URL and DIF_KMS… of its clean-room worker (README: Clean room). ` +
      "DIF's side never holds this key.",
  );
}

/** Adds the two commands to `dif customers`. */
export function registerPiiEncryption(customers: Command): void {
  customers
    .command('pii-encryption-key')
    .description("in the customer's clean room: create its PII encryption key (encrypt columns) unless it exists; never replaces one")
    .argument('<customer>')
    .action(async (customer: string) => {
      insideCleanRoomOf(customer, 'pii-encryption-key');
      const runtime = createRuntime(loadSettings());
      try {
        const outcome = await ensurePiiEncryptionKey(runtime.deps.credentials, customer);
        console.log(outcome === 'created' ? `created the PII encryption key of ${customer}` : `${customer} already has a PII encryption key; kept it`);
      } finally {
        await runtime.close();
      }
    });
  customers
    .command('pii-decrypt')
    .description("in the customer's clean room: print the normalised value of each encrypted cell (enc:v1:…), one a line")
    .argument('<customer>')
    .argument('<cells...>', 'cells of encrypt columns, as loaded')
    .option('--kind <kind>', `the cells' pii kind (${KINDS.join(', ')}); by default the kind each cell was encrypted as`, (v) => {
      if (!KINDS.includes(v)) throw new InvalidArgumentError(`expected one of ${KINDS.join(', ')}`);
      return v;
    })
    .action(async (customer: string, cells: string[], opts: { kind?: PiiKind }) => {
      insideCleanRoomOf(customer, 'pii-decrypt');
      const runtime = createRuntime(loadSettings());
      try {
        const cipher = new PiiCipher(await revealPiiEncryptionKey(runtime.deps.credentials, customer));
        const values = cells.map((cell, i) => {
          try {
            return cipher.decrypt(cell, opts.kind).value;
          } catch (e) {
            if (e instanceof PiiDecryptError) throw new InputError(`cell ${i + 1}: ${e.message}`);
            throw e;
          }
        });
        for (const value of values) console.log(value);
      } finally {
        await runtime.close();
      }
    });
}
