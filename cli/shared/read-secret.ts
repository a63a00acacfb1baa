import readline from 'node:readline';
import { InputError } from '../../core/run-plan';

/**
 * Reads a secret from standard input (piped), or from a prompt that echoes nothing (a
 * terminal). Never from the command line, where it would land in shell history and `ps`.
 * Piped input is read up to `maxBytes` (plus a line ending) and no further, so a wrong file
 * piped in by mistake is refused at once instead of filling memory. Errors never quote it.
 */
export async function readSecret(prompt: string, maxBytes: number): Promise<string> {
  if (!process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of process.stdin) {
      const buffer = Buffer.from(chunk);
      size += buffer.length;
      if (size > maxBytes + 2) {
        process.stdin.destroy();
        throw new InputError(`the secret on standard input is longer than ${maxBytes} bytes, the most a credential holds; nothing was stored`);
      }
      chunks.push(buffer);
    }
    return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
  }
  const output = process.stderr;
  const rl = readline.createInterface({ input: process.stdin, output, terminal: true });
  output.write(prompt);
  // Swallow readline's echo of each typed character.
  (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => undefined;
  try {
    return await new Promise<string>((resolve) => rl.question('', resolve));
  } finally {
    rl.close();
    output.write('\n');
  }
}
