import { main } from '../../src/cli/run.js';
import type { CommandIo } from '../../src/cli/io.js';

export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `mtls-pop ...argv` in this process with captured output. */
export async function cli(argv: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; stdin?: string } = {}): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const io: CommandIo = {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    readStdin: async () => options.stdin ?? '',
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

/** One line on stderr, no stack trace. */
export function expectOneLineError(result: Captured, code: number, pattern: RegExp): void {
  expect(result.code).toBe(code);
  expect(result.stderr.trimEnd()).toMatch(pattern);
  expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}
