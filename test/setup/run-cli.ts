import { buildProgram } from '../../cli/dif';

/** Runs `dif <args>` in this process, as a user would, and returns what it printed with console.log. */
export async function dif(...args: string[]): Promise<string> {
  const lines: string[] = [];
  const spy = jest.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
  try {
    await buildProgram().exitOverride().parseAsync(['node', 'dif', ...args]);
  } finally {
    spy.mockRestore();
  }
  return lines.join('\n');
}
