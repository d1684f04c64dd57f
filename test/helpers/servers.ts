/**
 * Real nginx, Apache httpd, HAProxy and Caddy for tests: each server gets its own temporary
 * prefix, the configuration the caller rendered (from the shipped templates), a port chosen at run
 * time, and runs in the FOREGROUND as a child of the test (`daemon off;`, `apache2 -DFOREGROUND`,
 * `haproxy -db`, `caddy run`) so that `stop()` can kill it by pid and reap it. Caddy runs with its
 * admin endpoint off (the config says `admin off`) and HOME / XDG_* inside the prefix, so it
 * writes nothing outside it.
 *
 * ```ts
 * const port = await freePort();
 * const config = renderTemplate('nginx', { ...values, listen: `127.0.0.1:${port}` }, { standalone: true });
 * const nginx = await startNginx({ config, port });
 * try { ... } finally { await nginx.stop(); }
 * ```
 * When a binary is missing, `serverAvailable(kind)` prints a loud notice and returns false, or
 * throws when `CI` is set: a CI run never skips the real-server tests silently.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, chmodSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, isAbsolute, join } from 'node:path';

export type ServerKind = 'nginx' | 'apache' | 'haproxy' | 'caddy';

/** Executable names per server: Debian's `apache2`, elsewhere `httpd`. */
const NAMES: Readonly<Record<ServerKind, readonly string[]>> = { nginx: ['nginx'], apache: ['apache2', 'httpd'], haproxy: ['haproxy'], caddy: ['caddy'] };
/** Searched after PATH: where packages install servers, often not on a user's PATH. */
const SBIN = ['/usr/sbin', '/usr/local/sbin', '/usr/local/apache2/bin', '/usr/bin', '/usr/local/bin'];
/** The Debian package that installs each server. */
const PACKAGES: Readonly<Record<ServerKind, string>> = { nginx: 'nginx', apache: 'apache2', haproxy: 'haproxy', caddy: 'caddy' };
/** The main configuration's file name under the prefix. */
const CONFIG_FILES: Readonly<Record<ServerKind, string>> = { nginx: 'nginx.conf', apache: 'httpd.conf', haproxy: 'haproxy.cfg', caddy: 'Caddyfile' };

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * The server's executable: the first `nginx` (`apache2` or `httpd`, `haproxy`, `caddy`) on `PATH`,
 * then in the sbin folders; undefined when it is not installed. `MTLS_POP_TEST_HIDE_SERVERS=apache`
 * (comma-separated) makes the suite act as if a server were missing, to check what a run without it reports.
 */
export function serverBinary(kind: ServerKind, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if ((env.MTLS_POP_TEST_HIDE_SERVERS ?? '').split(',').map((name) => name.trim()).includes(kind)) return undefined;
  const folders = [...(env.PATH ?? '').split(delimiter).filter((folder) => isAbsolute(folder)), ...SBIN];
  for (const folder of folders) {
    for (const name of NAMES[kind]) {
      const file = join(folder, name);
      if (isExecutableFile(file)) return file;
    }
  }
  return undefined;
}

/**
 * Whether `kind` can run here. A missing binary prints a LOUD notice; with `CI` set it throws
 * instead, so that CI fails rather than skips.
 */
export function serverAvailable(kind: ServerKind): boolean {
  if (serverBinary(kind)) return true;
  const notice = `\n${'!'.repeat(78)}\n!! ${kind} is NOT INSTALLED: its real-server tests do not run (apt-get install ${PACKAGES[kind]})\n${'!'.repeat(78)}\n`;
  if (process.env.CI) throw new Error(`CI: ${notice}`);
  console.warn(notice);
  return false;
}

/** A test name that says why it was skipped when `kind` is missing (jest prints names of skipped tests). */
export function needing(kind: ServerKind, name: string): string {
  return serverAvailable(kind) ? name : `${name} (SKIPPED: ${kind} is not installed)`;
}

/**
 * Rows of an it.each table split by whether the server each needs is here: `run` for it.each, and
 * `skip` for it.skip.each, with the reason appended to the row's `at` element (used in the test's
 * name), so that jest reports every missing row as skipped instead of the row vanishing.
 */
export function rowsByServer<Row extends readonly unknown[]>(rows: readonly Row[], needs: (row: Row) => ServerKind | undefined, at: number): { run: Row[]; skip: Row[] } {
  const run: Row[] = [];
  const skip: Row[] = [];
  for (const row of rows) {
    const kind = needs(row);
    if (kind === undefined || serverAvailable(kind)) run.push(row);
    else skip.push(row.map((value, index) => (index === at ? `${String(value)} (SKIPPED: ${kind} is not installed)` : value)) as unknown as Row);
  }
  return { run, skip };
}

/** A free TCP port on 127.0.0.1, chosen by the kernel (bind to port 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export interface StartOptions {
  /** The complete main configuration (nginx.conf / httpd.conf / haproxy.cfg / Caddyfile), already rendered. */
  config: string;
  /** The port the configuration listens on; start() resolves once it accepts connections. */
  port: number;
  /** Host to probe. Default `'127.0.0.1'`. */
  host?: string;
  /** Directory to run in; default: a new temporary directory, removed by stop(). */
  prefix?: string;
  /** More files to write under the prefix (relative path -> content). Default none. */
  files?: Readonly<Record<string, string>>;
  /** How long to wait for the port. Default 10000 ms. */
  timeoutMs?: number;
}

export interface RunningServer {
  readonly kind: ServerKind;
  readonly pid: number;
  readonly port: number;
  readonly prefix: string;
  /** The server's error log and everything it wrote to stdout/stderr so far. */
  logs(): string;
  /** Kills the server by pid (SIGTERM, then SIGKILL after 5 s), waits for its exit, removes a temporary prefix. */
  stop(): Promise<void>;
}

export interface ConfigTestResult {
  ok: boolean;
  /** What `nginx -t` / `apache2 -t` / `haproxy -c` / `caddy validate` printed. */
  output: string;
}

function preparePrefix(options: Pick<StartOptions, 'prefix' | 'files'>, kind: ServerKind, configName: string, config: string) {
  const temporary = options.prefix === undefined;
  const prefix = options.prefix ?? mkdtempSync(join(tmpdir(), `mtls-pop-${kind}-`));
  // Started as root, nginx runs its workers as `nobody`: they buffer request bodies over 16 KiB
  // in temp/client_body, which they cannot reach under mkdtemp's 0700 (every such request would
  // get 500). Searchable, not listable; the master creates temp/* itself, owned by the workers.
  chmodSync(prefix, 0o711);
  for (const dir of ['logs', 'temp']) {
    mkdirSync(join(prefix, dir), { recursive: true });
    chmodSync(join(prefix, dir), 0o711);
  }
  for (const [name, content] of Object.entries(options.files ?? {})) {
    mkdirSync(join(prefix, name, '..'), { recursive: true });
    writeFileSync(join(prefix, name), content);
  }
  const configFile = join(prefix, configName);
  writeFileSync(configFile, config);
  return { prefix, configFile, temporary };
}

function commandLine(kind: ServerKind, prefix: string, configFile: string): string[] {
  switch (kind) {
    case 'nginx': return ['-p', `${prefix}/`, '-c', configFile, '-e', 'stderr', '-g', 'daemon off;'];
    case 'apache': return ['-d', prefix, '-f', configFile, '-DFOREGROUND'];
    case 'haproxy': return ['-db', '-f', configFile];
    case 'caddy': return ['run', '--config', configFile, '--adapter', 'caddyfile'];
  }
}

function configTestLine(kind: ServerKind, prefix: string, configFile: string): string[] {
  switch (kind) {
    case 'haproxy': return ['-c', '-f', configFile];
    case 'caddy': return ['validate', '--config', configFile, '--adapter', 'caddyfile'];
    default: return ['-t', ...commandLine(kind, prefix, configFile).filter((arg) => arg !== '-DFOREGROUND')];
  }
}

/** Caddy keeps its data and configuration under HOME / XDG_*: all inside the prefix. */
function environment(kind: ServerKind, prefix: string): NodeJS.ProcessEnv {
  if (kind !== 'caddy') return process.env;
  return { ...process.env, HOME: prefix, XDG_DATA_HOME: join(prefix, 'data'), XDG_CONFIG_HOME: join(prefix, 'config'), XDG_CACHE_HOME: join(prefix, 'cache') };
}

/** A configuration, or one built from the throw-away prefix it will run in (to name the files written there). */
export type ConfigText = string | ((prefix: string) => string);

function runConfigTest(kind: ServerKind, config: ConfigText, files?: Readonly<Record<string, string>>): ConfigTestResult {
  const binary = serverBinary(kind);
  if (!binary) return { ok: false, output: `${kind} is not installed` };
  const { prefix, configFile } = preparePrefix({ ...(files ? { files } : {}) }, kind, CONFIG_FILES[kind], '');
  if (typeof config === 'function') writeFileSync(configFile, config(prefix));
  else writeFileSync(configFile, config);
  try {
    const result = spawnSync(binary, configTestLine(kind, prefix, configFile), { encoding: 'utf8', timeout: 15000, cwd: prefix, env: environment(kind, prefix) });
    return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
  } finally {
    rmSync(prefix, { recursive: true, force: true });
  }
}

/** `nginx -t` on a complete rendered nginx.conf, in a throw-away prefix. */
export const testNginxConfig = (config: string): ConfigTestResult => runConfigTest('nginx', config);
/** `apache2 -t` on a complete rendered httpd.conf, in a throw-away server root. */
export const testApacheConfig = (config: string): ConfigTestResult => runConfigTest('apache', config);
/** `haproxy -c` on a complete rendered haproxy.cfg, with `files` written under a throw-away prefix first. */
export const testHaproxyConfig = (config: ConfigText, files?: Readonly<Record<string, string>>): ConfigTestResult => runConfigTest('haproxy', config, files);
/** `caddy validate` on a complete rendered Caddyfile, with `files` written under a throw-away prefix first. */
export const testCaddyConfig = (config: ConfigText, files?: Readonly<Record<string, string>>): ConfigTestResult => runConfigTest('caddy', config, files);

function waitForPort(host: string, port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      if (child.exitCode !== null || child.signalCode !== null) {
        reject(new Error(`exited (${child.exitCode ?? child.signalCode}) before listening`));
        return;
      }
      const socket = createConnection({ host, port });
      socket.once('connect', () => { socket.destroy(); resolve(); });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`port ${port} did not open within ${timeoutMs} ms`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

async function start(kind: ServerKind, options: StartOptions): Promise<RunningServer> {
  const binary = serverBinary(kind);
  if (!binary) throw new Error(`${kind} is not installed`);
  const { prefix, configFile, temporary } = preparePrefix(options, kind, CONFIG_FILES[kind], options.config);
  const child = spawn(binary, commandLine(kind, prefix, configFile), { stdio: ['ignore', 'pipe', 'pipe'], cwd: prefix, env: environment(kind, prefix) });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
  child.stderr?.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const logs = (): string => {
    const errorLog = join(prefix, 'logs', 'error.log');
    const logged = existsSync(errorLog) ? readFileSync(errorLog, 'utf8') : '(no error.log)';
    return `--- ${kind} (pid ${child.pid}) error.log ---\n${logged}\n--- ${kind} stdout/stderr ---\n${output}`;
  };
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    if (temporary) rmSync(prefix, { recursive: true, force: true });
  };
  try {
    await waitForPort(options.host ?? '127.0.0.1', options.port, child, options.timeoutMs ?? 10000);
  } catch (error) {
    const message = `${kind} did not start: ${(error as Error).message}\n${logs()}`;
    await stop();
    throw new Error(message);
  }
  return { kind, pid: child.pid!, port: options.port, prefix, logs, stop };
}

/** Starts nginx in the foreground (`-g 'daemon off;'`) with `config` as its nginx.conf. */
export const startNginx = (options: StartOptions): Promise<RunningServer> => start('nginx', options);
/** Starts Apache httpd in the foreground (`-DFOREGROUND`) with `config` as its httpd.conf. */
export const startApache = (options: StartOptions): Promise<RunningServer> => start('apache', options);
/** Starts HAProxy in the foreground (`-db`) with `config` as its haproxy.cfg. */
export const startHaproxy = (options: StartOptions): Promise<RunningServer> => start('haproxy', options);
/** Starts Caddy in the foreground (`caddy run`) with `config` as its Caddyfile; HOME and XDG_* in the prefix. */
export const startCaddy = (options: StartOptions): Promise<RunningServer> => start('caddy', options);
/** Starts a server of any kind. */
export const startServer = (kind: ServerKind, options: StartOptions): Promise<RunningServer> => start(kind, options);

/**
 * Runs `check`; when it throws, appends the servers' logs to the error so a failing test shows
 * what the server said.
 */
export async function withServerLogs<T>(servers: readonly (RunningServer | undefined)[], check: () => Promise<T> | T): Promise<T> {
  try {
    return await check();
  } catch (error) {
    const logs = servers.filter((server): server is RunningServer => server !== undefined).map((server) => server.logs()).join('\n');
    if (error instanceof Error) error.message = `${error.message}\n\n${logs}`;
    throw error;
  }
}
