import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The repository root and the CLI entry, run from TypeScript with tsx (no build needed). */
export const ROOT = join(import.meta.dirname, '..', '..');
export const MAIN = join(ROOT, 'src', 'cli', 'main.ts');
const TSX = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'esm', 'index.mjs')).href;

/** `node --import tsx src/cli/main.ts ...args` as a child, from any working folder. */
export function spawnCli(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): ChildProcess {
  return spawn(process.execPath, ['--import', TSX, MAIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI to completion (with optional stdin) and collects its output. */
export function runCli(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; stdin?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(args, options);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin!.end(options.stdin ?? '');
  });
}

/** A running `serve` child: its banner, logs so far, and a way to stop it. */
export interface ServeProcess {
  child: ChildProcess;
  banner: string;
  url: string;
  logs(): string;
  stderr(): string;
  /** Resolves with the exit code and signal once the child is gone. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL if still running (for afterAll). */
  kill(): void;
  /** Resolves once the JSON logs on stdout match `pattern` (rejects if the process exits first). */
  logged(pattern: RegExp): Promise<void>;
}

/** Starts `serve` and waits for its banner (the line after which the copy-paste commands end). */
export function startServe(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<ServeProcess> {
  const child = spawnCli(['serve', ...args], options);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      kill();
      reject(new Error(`serve did not start:\n${stderr}\n${stdout}`));
    }, options.timeoutMs ?? 20_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /is running[^\n]* on (https?:\/\/[^\s;]+)/.exec(stderr);
      if (match && stderr.includes('Stop with Ctrl-C')) {
        clearTimeout(timer);
        const logged = (pattern: RegExp): Promise<void> => new Promise((done, fail) => {
          const check = (): void => {
            if (!pattern.test(stdout)) return;
            child.stdout!.off('data', check);
            done();
          };
          child.stdout!.on('data', check);
          void exited.then(() => { check(); fail(new Error(`serve exited before logging ${pattern}`)); });
          check();
        });
        resolve({ child, banner: stderr, url: match[1]!, logs: () => stdout, stderr: () => stderr, exited, kill, logged });
      }
    });
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before starting:\n${stderr}`));
    });
  });
}
