/**
 * Every fenced code block in README.md and docs/ runs here as written, or is marked as not run.
 *
 * The convention, on the line right before the opening fence:
 * - `<!-- excerpt -->` or `<!-- excerpt: why -->`: shown only (a fragment, sample output, a diagram,
 *   a command that installs from the registry: test/package/ does that with the packed tarball);
 * - `<!-- file: NAME -->`: the block is the content of NAME in the example's folder, written when the
 *   blocks before it have run (a `.ts` file is type-checked with the others);
 * - `<!-- background -->`: a `sh` block that starts a server; it is ready when it listens on one of
 *   the document's ports, and it is stopped (its whole process group) when the document ends;
 * - nothing: a `sh`/`bash` block runs with `bash -e -o pipefail`; a `ts` block is type-checked
 *   (strict) and run with tsx, and must exit 0. Any other language needs a marker.
 *
 * The blocks of one document run in order in one fresh folder, .tmp/docs/<document>/, which is the
 * documented fixture set-up:
 * - `mtls-pop` is the packed tarball (test/package/pack.ts), installed as a consumer gets it, with
 *   `npx mtls-pop` and `npx tsx` working; express, jose and the other dependencies resolve from this
 *   repository's node_modules;
 * - `fixtures/` is this repository's test PKI and header samples;
 * - nginx, apache2, haproxy and caddy are on PATH (Debian installs some in /usr/sbin);
 * - a block that runs may not write outside its folder (the suite may run as root): a redirection
 *   or `tee` to an absolute path other than /dev/null fails the convention check.
 * - the ports the documents use (DOCUMENT_PORTS) are replaced, in every block of the document, by
 *   free ports chosen at run time: this is the only change made to a block.
 * A document whose blocks start nginx or Apache needs them installed: without them it is skipped
 * with a loud notice, and fails under CI.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join, relative } from 'node:path';
import { documentationFiles } from './files.js';
import { freePort, serverAvailable, serverBinary } from '../helpers/servers.js';
import { ROOT, unpackedPackage } from '../package/pack.js';

export const DOCUMENT_PORTS = [3000, 3001, 3002, 8443, 9443] as const;
const RUNNABLE = new Set(['sh', 'bash', 'ts', 'typescript']);
const WORK = join(ROOT, '.tmp', 'docs');
const TOOLS = { haproxy: ['/usr/sbin/haproxy', '/usr/local/sbin/haproxy', '/usr/bin/haproxy'], caddy: ['/usr/bin/caddy', '/usr/local/bin/caddy'] } as const;

export interface Block {
  file: string;
  line: number;
  language: string;
  marker: { kind: 'excerpt' | 'file' | 'background' | 'run'; value?: string };
  text: string;
}

/** The fenced blocks of a Markdown text with the marker on the line before each. */
export function blocks(file: string, text: string): Block[] {
  const lines = text.split('\n');
  const found: Block[] = [];
  for (let index = 0; index < lines.length; index++) {
    const open = /^```(\S*)\s*$/.exec(lines[index]!);
    if (!open) continue;
    const end = lines.findIndex((line, at) => at > index && line.startsWith('```'));
    if (end < 0) throw new Error(`${file}:${index + 1}: unclosed code fence`);
    const previous = lines[index - 1] ?? '';
    const comment = /^<!--\s*(excerpt|file|background)(?::\s*(.*?))?\s*-->$/.exec(previous.trim());
    const marker = comment ? { kind: comment[1] as 'excerpt' | 'file' | 'background', value: comment[2] } : { kind: 'run' as const };
    found.push({ file, line: index + 1, language: open[1]!, marker, text: lines.slice(index + 1, end).join('\n') + '\n' });
    index = end;
  }
  return found;
}

/** Why a block breaks the convention, or undefined. */
export function conventionProblem(block: Block): string | undefined {
  if (block.marker.kind === 'file' && !block.marker.value) return 'file: needs a file name';
  if (block.marker.kind === 'background' && !['sh', 'bash'].includes(block.language)) return 'background is for sh blocks';
  if (block.marker.kind === 'run' && !RUNNABLE.has(block.language)) return `a \`${block.language || 'plain'}\` block must be marked <!-- excerpt --> or <!-- file: NAME -->`;
  if (block.marker.kind === 'run' && /^\s*(\.\.\.|…)\s*$|\s\.\.\.(\s|$)/m.test(block.text)) return 'runs, but contains "..." (mark it <!-- excerpt --> or write it out)';
  if (['run', 'background'].includes(block.marker.kind) && /(>>?|\btee(\s+-a)?)\s*["']?\/(?!dev\/null)/.test(block.text)) return 'runs, but writes to an absolute path outside its folder (use a relative path, or mark it <!-- excerpt -->)';
  return undefined;
}

const documents = documentationFiles().map((file) => ({ name: relative(ROOT, file), all: blocks(relative(ROOT, file), readFileSync(file, 'utf8')) }));

describe('the code blocks of README.md and docs/', () => {
  it.each(documents.map(({ name, all }) => [name, all]))('%s: every block runs or is marked', (_name, all) => {
    expect(all.map((block) => [`${block.file}:${block.line}`, conventionProblem(block)]).filter(([, problem]) => problem)).toEqual([]);
  });

  it('blocks(): reads markers, languages and the text between the fences', () => {
    const parsed = blocks('x.md', 'a\n<!-- excerpt: why -->\n```ts\nconst a = 1;\n```\n\n```sh\necho hi\n```\n<!-- file: a.json -->\n```json\n{}\n```\n');
    expect(parsed.map((block) => [block.line, block.language, block.marker.kind, block.marker.value, block.text])).toEqual([
      [3, 'ts', 'excerpt', 'why', 'const a = 1;\n'], [7, 'sh', 'run', undefined, 'echo hi\n'], [11, 'json', 'file', 'a.json', '{}\n']]);
    expect(conventionProblem(blocks('x.md', '```json\n{}\n```\n')[0]!)).toMatch(/must be marked/);
    expect(conventionProblem(blocks('x.md', '```sh\ncurl ... https://x\n```\n')[0]!)).toMatch(/contains "\.\.\."/);
    expect(conventionProblem(blocks('x.md', '```sh\nrender > /etc/caddy/Caddyfile\n```\n')[0]!)).toMatch(/absolute path/);
    expect(conventionProblem(blocks('x.md', '```sh\necho | tee -a /etc/hosts\n```\n')[0]!)).toMatch(/absolute path/);
    expect(conventionProblem(blocks('x.md', '```sh\ncurl -o /dev/null https://x > out.txt\n```\n')[0]!)).toBeUndefined();
  });
});

const runnable = documents.filter(({ all }) => all.some((block) => block.marker.kind !== 'excerpt'));

describe.each(runnable.map(({ name, all }) => [name, all]))('%s', (name, all) => {
  const folder = join(WORK, name.replace(/[/.]/g, '_'));
  const background: { child: ChildProcess; block: Block; output: () => string }[] = [];
  let ports = new Map<number, number>();
  let env: NodeJS.ProcessEnv = {};

  beforeAll(async () => {
    ports = new Map(await Promise.all(DOCUMENT_PORTS.map(async (port) => [port, await freePort()] as const)));
    env = prepareFolder(folder);
  }, 300_000);

  afterAll(async () => {
    await Promise.all(background.map(({ child }) => stop(child)));
  });

  it('runs every block that is not an excerpt, in order, as written', async () => {
    const needs = all.filter((block) => block.marker.kind !== 'excerpt').map((block) => block.text).join('\n');
    for (const kind of ['nginx', 'apache'] as const) {
      if (new RegExp(`^\\s*${kind === 'nginx' ? 'nginx' : 'apache2'}\\s`, 'm').test(needs) && !serverAvailable(kind)) return;
    }
    for (const tool of Object.keys(TOOLS) as (keyof typeof TOOLS)[]) if (new RegExp(`^\\s*${tool}\\s`, 'm').test(needs) && !toolAvailable(tool)) return;
    const withPorts = (text: string): string => text.replace(/(?<![\d.])(\d{4})(?!\d)/g, (match) => String(ports.get(Number(match)) ?? match));
    const typescript = all.filter((block) => block.marker.kind !== 'excerpt' && ['ts', 'typescript'].includes(block.language));
    typeCheck(folder, typescript.map((block, index) => ({ name: block.marker.kind === 'file' ? block.marker.value! : `block-${block.line}.ts`, text: withPorts(block.text), block, index })));

    for (const block of all) {
      if (block.marker.kind === 'excerpt') continue;
      const text = withPorts(block.text);
      const where = `${block.file}:${block.line}`;
      if (block.marker.kind === 'file') {
        mkdirSync(dirname(join(folder, block.marker.value!)), { recursive: true });
        writeFileSync(join(folder, block.marker.value!), text);
      } else if (block.marker.kind === 'background') {
        background.push(await startInBackground(block, text, folder, env, [...ports.values()]));
      } else if (['ts', 'typescript'].includes(block.language)) {
        const file = `block-${block.line}.ts`;
        writeFileSync(join(folder, file), text);
        expectSuccess(where, spawnSync('npx', ['tsx', file], { cwd: folder, env, encoding: 'utf8', timeout: 120_000 }), background);
      } else {
        expectSuccess(where, spawnSync('bash', ['-e', '-o', 'pipefail', '-c', text], { cwd: folder, env, encoding: 'utf8', timeout: 120_000 }), background);
      }
    }
  }, 600_000);
});

/** Like serverAvailable() for HAProxy and Caddy: a loud notice without it, a failure under CI. */
function toolAvailable(tool: keyof typeof TOOLS): boolean {
  if (TOOLS[tool].some((file) => existsSync(file))) return true;
  const notice = `\n${'!'.repeat(78)}\n!! ${tool} is NOT INSTALLED: the documents that run it do not run (apt-get install ${tool})\n${'!'.repeat(78)}\n`;
  if (process.env.CI) throw new Error(`CI: ${notice}`);
  console.warn(notice);
  return false;
}

/** A fresh example folder with the package installed as a consumer has it; returns the environment. */
function prepareFolder(folder: string): NodeJS.ProcessEnv {
  const packageRoot = unpackedPackage();
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(join(folder, 'node_modules', '.bin'), { recursive: true });
  writeFileSync(join(folder, 'package.json'), JSON.stringify({ name: 'docs-example', private: true, type: 'module' }));
  writeFileSync(join(folder, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'nodenext', target: 'es2022', strict: true, noEmit: true, skipLibCheck: true, types: ['node'] }, include: ['*.ts'] }));
  symlinkSync(packageRoot, join(folder, 'node_modules', 'mtls-pop'));
  symlinkSync(join(ROOT, 'fixtures'), join(folder, 'fixtures'));
  const shim = (name: string, target: string): void => {
    writeFileSync(join(folder, 'node_modules', '.bin', name), `#!/bin/sh\nexec "${process.execPath}" "${target}" "$@"\n`);
    chmodSync(join(folder, 'node_modules', '.bin', name), 0o755);
  };
  shim('mtls-pop', join(packageRoot, 'bin', 'mtls-pop.js'));
  shim('tsx', join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'));
  const serverDirs = [serverBinary('nginx'), serverBinary('apache'), ...Object.values(TOOLS).map((files) => files.find((file) => existsSync(file)))].filter((binary): binary is string => binary !== undefined).map((binary) => dirname(binary));
  return { ...process.env, PATH: [join(folder, 'node_modules', '.bin'), ...serverDirs, process.env.PATH].join(':'), npm_config_update_notifier: 'false', MTLS_POP_DEBUG: '' };
}

function typeCheck(folder: string, files: { name: string; text: string; block: Block }[]): void {
  if (files.length === 0) return;
  for (const { name, text } of files) writeFileSync(join(folder, name), text);
  const result = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', folder], { cwd: folder, encoding: 'utf8' });
  const located = result.stdout.replace(/^([\w.-]+\.ts)\((\d+),(\d+)\)/gm, (match, name: string, line: string) => {
    const block = files.find((file) => file.name === name)?.block;
    return block ? `${block.file}:${block.line + Number(line)} (${match})` : match;
  });
  expect({ typeErrors: located.trim() }).toEqual({ typeErrors: '' });
}

function expectSuccess(where: string, result: ReturnType<typeof spawnSync>, background: { block: Block; output: () => string }[]): void {
  if (result.status === 0) return;
  const servers = background.map(({ block, output }) => `--- ${block.file}:${block.line} (background) ---\n${output().slice(-3000)}`).join('\n');
  expect({ block: where, status: result.status, signal: result.signal, stdout: String(result.stdout).slice(-3000), stderr: String(result.stderr).slice(-3000), servers }).toEqual({ block: where, status: 0 });
}

/** Starts a background block in its own process group; resolves once it listens on a new port. */
async function startInBackground(block: Block, text: string, folder: string, env: NodeJS.ProcessEnv, ports: number[]): Promise<{ child: ChildProcess; block: Block; output: () => string }> {
  const before = new Set((await Promise.all(ports.map(async (port) => ((await accepts(port)) ? port : undefined)))).filter((port) => port !== undefined));
  const child = spawn('bash', ['-e', '-c', `exec ${text.trim()}`], { cwd: folder, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  const started = Date.now();
  for (;;) {
    if (exited !== undefined) throw new Error(`${block.file}:${block.line}: the background block exited (${exited}) before listening:\n${output}`);
    const open = await Promise.all(ports.filter((port) => !before.has(port)).map(accepts));
    if (open.some(Boolean)) return { child, block, output: () => output };
    if (Date.now() - started > 120_000) throw new Error(`${block.file}:${block.line}: no new port listening after 120 s:\n${output}`);
    // Polling a port is the only readiness signal every server (nginx, node) gives without edits.
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try { process.kill(-child.pid!, 'SIGTERM'); } catch { return; }
  const timer = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, 5000);
  await exited;
  clearTimeout(timer);
}
