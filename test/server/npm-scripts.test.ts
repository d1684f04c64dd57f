/**
 * `npm start` and `npm run demo` as users run them, as real processes: SIGTERM to npm stops the
 * server and frees its port; the demo keeps nginx up for the commands it prints until Ctrl-C.
 * Every wait is on an event (a line of output, a stream closing, a process exiting).
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { serverAvailable } from '../helpers/servers.js';
import { ROOT } from './serve-process.js';

const TSX = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'esm', 'index.mjs')).href;
const started: number[] = [];

const groups: number[] = [];
afterAll(() => {
  // Whatever a failed test left running: by pid, and npm's own process group (npm, its shell,
  // the build and the server it started, also one still starting whose pid is not known yet).
  for (const pid of [...started, ...groups.map((group) => -group)]) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** Resolves with the first match of `pattern` in everything the stream has said so far. */
function waitFor(stream: NodeJS.ReadableStream, pattern: RegExp, what: string, output: () => string): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const match = pattern.exec(output());
      if (match) {
        stream.off('data', check);
        stream.off('end', ended);
        resolve(match);
      }
    };
    const ended = (): void => reject(new Error(`ended before ${what}:\n${output()}`));
    stream.on('data', check);
    stream.once('end', ended);
    check();
  });
}

function collect(child: ChildProcess): { stdout: () => string; stderr: () => string } {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return { stdout: () => stdout, stderr: () => stderr };
}

/** Whether something accepts TCP connections on 127.0.0.1:port (one attempt). */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/** Whether the process runs: not gone, and not a zombie (an orphan whose new parent has not reaped it yet). */
const alive = (pid: number): boolean => {
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
};

describe('npm start', () => {
  it('stops the server (graceful, port freed) on SIGTERM to npm', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'mtls-pop-npm-start-'));
    const npm = spawn('npm', ['start', '--', '--port', '0', '--host', '127.0.0.1'], { cwd: ROOT, env: { ...process.env, MTLS_POP_STATE_DIR: stateDir }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    started.push(npm.pid!);
    groups.push(npm.pid!);
    const output = collect(npm);
    const npmExited = new Promise((resolve) => npm.once('exit', resolve));
    // The server's stdout is npm's: it closes once the last writer, the server itself, is gone.
    const outputClosed = new Promise((resolve) => npm.stdout!.once('close', resolve));
    // `prestart` builds dist/ first, which takes a while on a busy machine.
    const [, url] = await waitFor(npm.stderr!, /is running[^\n]* on (https:\/\/[^\s;]+)[\s\S]*Stop with Ctrl-C/, 'the banner', output.stderr);
    const [, pid] = await waitFor(npm.stdout!, /"pid":(\d+)/, 'a log line', output.stdout);
    const server = Number(pid);
    started.push(server);
    const port = Number(new URL(url!).port);
    expect(server).not.toBe(npm.pid);
    expect(await accepts(port)).toBe(true);

    npm.kill('SIGTERM');
    await npmExited;
    await outputClosed;
    expect(output.stdout()).toMatch(/"msg":"stopped"/);
    expect(alive(server)).toBe(false);
    expect(await accepts(port)).toBe(false);
  }, 600_000);
});

const nginx = serverAvailable('nginx');
(nginx ? describe : describe.skip)(`npm run demo${nginx ? '' : ' (SKIPPED: nginx is not installed)'}`, () => {
  it('keeps nginx and the app up after the walk-through, for the commands it printed, until Ctrl-C', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'mtls-pop-demo-'));
    const demo = spawn(process.execPath, ['--import', TSX, join(ROOT, 'scripts', 'demo.ts')], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    started.push(demo.pid!);
    const output = collect(demo);
    const exited = new Promise<number | null>((resolve) => demo.once('exit', (code) => resolve(code)));
    const [, pid, port] = await waitFor(demo.stdout!, /nginx pid (\d+) on https:\/\/as\.localhost:(\d+)/, 'the nginx line', output.stdout);
    await waitFor(demo.stdout!, /Stop with Ctrl-C/, 'the wait', output.stdout);
    expect(output.stdout()).toMatch(/All \d+ steps passed/);
    expect(alive(Number(pid))).toBe(true);

    // A printed command, run as the user would, from the folder the demo ran in.
    const command = /try it: (curl [^\n]*well-known[^\n]*)/.exec(output.stdout())?.[1];
    expect(command).toBeDefined();
    const answer = await new Promise<string>((resolve, reject) => execFile('sh', ['-c', command!], { cwd }, (error, stdout) => (error ? reject(error) : resolve(stdout))));
    expect(JSON.parse(answer)).toMatchObject({ issuer: expect.stringContaining('as.localhost') });

    demo.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output.stdout()).toMatch(/Stopping nginx and the app/);
    expect(alive(Number(pid))).toBe(false);
    expect(await accepts(Number(port))).toBe(false);
  }, 120_000);
});
