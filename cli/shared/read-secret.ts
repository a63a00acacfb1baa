import readline from 'node:readline';

/**
 * Reads a secret from standard input (piped), or from a prompt that echoes nothing (a
 * terminal). Never from the command line, where it would land in shell history and `ps`.
 */
export async function readSecret(prompt: string): Promise<string> {
  if (!process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk));
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
