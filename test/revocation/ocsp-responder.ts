/**
 * A real `openssl ocsp` responder as a child of the test, on a loopback port chosen at run time,
 * answering from a CA's `index.txt`, signed by the CA's delegated responder certificate (or by
 * another key, to test refusals). `stop()` kills it by pid; `pause()` stops it with SIGSTOP so that
 * the kernel still accepts connections but nothing answers (a slow responder).
 * `openssl ocsp -port` cannot bind to one address: it listens on all of them; tests only connect to 127.0.0.1.
 */
import { spawn } from 'node:child_process';
import { freePort } from '../helpers/servers.js';

export interface RunningResponder {
  readonly pid: number;
  readonly port: number;
  readonly url: string;
  output(): string;
  pause(): void;
  stop(): Promise<void>;
}

export interface ResponderFiles {
  readonly indexFile: string;
  readonly certificateFile: string;
  readonly responderCertificateFile: string;
  readonly responderKeyFile: string;
}

/** Resolves when openssl prints that it accepts connections (a probe connection would occupy the single-threaded responder). */
function waitForReady(read: () => string, exited: () => boolean, onData: (listener: () => void) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('openssl ocsp did not start within 10 s')), 10_000);
    const check = () => {
      if (/waiting for OCSP client connections/.test(read())) {
        clearTimeout(timer);
        resolve();
      } else if (exited()) {
        clearTimeout(timer);
        reject(new Error('openssl ocsp exited before listening'));
      }
    };
    onData(check);
    check();
  });
}

/** Starts `openssl ocsp -port N` for `ca` (answers carry nextUpdate = now + `minutes`). */
export async function startOcspResponder(ca: ResponderFiles, options: { port?: number; minutes?: number; signer?: Pick<ResponderFiles, 'responderCertificateFile' | 'responderKeyFile'> } = {}): Promise<RunningResponder> {
  const port = options.port ?? (await freePort());
  const signer = options.signer ?? ca;
  const child = spawn('openssl', ['ocsp', '-index', ca.indexFile, '-port', String(port), '-CA', ca.certificateFile,
    '-rsigner', signer.responderCertificateFile, '-rkey', signer.responderKeyFile, '-nmin', String(options.minutes ?? 60), '-ignore_err'],
  { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
  child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const hasExited = () => child.exitCode !== null || child.signalCode !== null;
  const stop = async (): Promise<void> => {
    if (hasExited()) return;
    child.kill('SIGKILL'); // also ends a SIGSTOPped process
    await exited;
  };
  try {
    await waitForReady(() => output, hasExited, (listener) => { child.stdout?.on('data', listener); child.stderr?.on('data', listener); child.once('exit', listener); });
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${output}`);
  }
  return { pid: child.pid!, port, url: `http://127.0.0.1:${port}`, output: () => output, pause: () => void child.kill('SIGSTOP'), stop };
}
