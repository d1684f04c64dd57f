/** What a command may touch: its output streams, input, environment and working folder. */
export interface CommandIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** The whole of standard input (for `inspect -`). */
  readStdin(): Promise<string>;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export const processIo: CommandIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
  env: process.env,
  cwd: process.cwd(),
};

/** A command of the CLI: `run` returns the exit code; a `UsageError` becomes a one-line error. */
export interface Command {
  name: string;
  summary: string;
  help: string;
  run(argv: readonly string[], io: CommandIo): Promise<number>;
}
