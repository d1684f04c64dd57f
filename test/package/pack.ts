/**
 * The package exactly as `npm pack` publishes it, built once per content of the sources.
 *
 * The build goes to a staging folder under .tmp/package/ (never to the worktree's dist/, which
 * other tests and a running `npm start` may be reading), then `npm pack --ignore-scripts` packs
 * the staging folder with the real package.json "files" list. The tarball is named after a hash
 * of everything that goes into it, so later runs and parallel jest workers reuse it.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
const WORK = join(ROOT, '.tmp', 'package');
/** What package.json "files" publishes besides dist/ (built here), as listed there. */
const COPIED = ['package.json', ...(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { files: string[] }).files.filter((entry) => !entry.startsWith('dist') && !entry.startsWith('!'))];
const INPUTS = [...COPIED, 'tsconfig.json', 'tsconfig.build.json', 'src'];

function files(path: string): string[] {
  return statSync(path).isDirectory() ? readdirSync(path).sort().flatMap((name) => files(join(path, name))) : [path];
}

function contentHash(): string {
  const hash = createHash('sha256');
  for (const file of INPUTS.flatMap((input) => files(join(ROOT, input)))) hash.update(relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex').slice(0, 16);
}

/** The path of the packed tarball (mtls-pop-<version>.tgz contents), building it when the sources changed. */
export function packedTarball(): string {
  const hash = contentHash();
  const tarball = join(WORK, `mtls-pop-${hash}.tgz`);
  if (existsSync(tarball)) return tarball;
  const stage = join(WORK, `stage-${hash}-${process.pid}`);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  for (const entry of COPIED) cpSync(join(ROOT, entry), join(stage, entry), { recursive: true });
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--incremental', 'false', '--outDir', join(stage, 'dist')], { cwd: ROOT, stdio: 'pipe' });
  const packed = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', stage], { cwd: stage, encoding: 'utf8' }).trim().split('\n').pop()!;
  renameSync(join(stage, packed), tarball);
  rmSync(stage, { recursive: true, force: true });
  return tarball;
}

/** The tarball unpacked (its `package/` folder), as npm would place it in node_modules. */
export function unpackedPackage(): string {
  const tarball = packedTarball();
  const folder = tarball.replace(/\.tgz$/, '');
  const unpacked = join(folder, 'package');
  if (existsSync(join(unpacked, 'package.json'))) return unpacked;
  const temporary = `${folder}-${process.pid}`;
  rmSync(temporary, { recursive: true, force: true });
  mkdirSync(temporary, { recursive: true });
  execFileSync('tar', ['xzf', tarball, '-C', temporary]);
  try {
    renameSync(temporary, folder);
  } catch {
    rmSync(temporary, { recursive: true, force: true }); // another worker unpacked it first
  }
  return unpacked;
}
