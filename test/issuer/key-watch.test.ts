import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { KeyStore } from '../../src/issuer/index.js';
import { watchKeyFile, type KeyFileWatch } from '../../src/issuer/key-file-watcher.js';
import type { Logger } from '../../src/log.js';

const directory = mkdtempSync(join(tmpdir(), 'mtls-pop-key-watch-'));
const stores: KeyStore[] = [];
const watches: KeyFileWatch[] = [];
afterAll(() => {
  for (const store of stores) store.close();
  for (const watch of watches) watch.close();
  rmSync(directory, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let counter = 0;
const fileName = (name: string) => join(directory, `${name}-${++counter}.json`);

function recordingLogger(): Logger & { lines: { level: string; object: Record<string, unknown>; message?: string }[] } {
  const lines: { level: string; object: Record<string, unknown>; message?: string }[] = [];
  const at = (level: string) => (object: object, message?: string) => void lines.push({ level, object: object as Record<string, unknown>, message });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** The text of a fresh one-key JWKS file, and its kid. */
async function keyFileText(): Promise<{ text: string; kid: string }> {
  const file = fileName('source');
  const store = await KeyStore.generate({ file });
  return { text: readFileSync(file, 'utf8'), kid: store.active.kid };
}

/** Replaces `file` the way our writer does: a temporary file renamed over it. */
function replaceAtomically(file: string, text: string): void {
  const temporary = `${file}.${++counter}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}

async function watching(options: { debounceMs?: number; pollMs?: number } = {}) {
  const file = fileName('watched');
  const logger = recordingLogger();
  await KeyStore.generate({ file });
  const store = await KeyStore.fromFile(file, { watch: { debounceMs: 20, pollMs: 60_000, ...options }, logger });
  stores.push(store);
  return { file, store, logger };
}

function nextChange(store: KeyStore, timeoutMs = 5_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no change event')), timeoutMs);
    const off = store.onChange((changed) => {
      clearTimeout(timer);
      off();
      resolve(changed.version);
    });
  });
}

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(10);
  }
}

describe('KeyStore({ watch })', () => {
  it('picks up a rotation written by another holder of the file: new active key, both keys published, one change', async () => {
    const { file, store } = await watching();
    const other = await KeyStore.fromFile(file);
    const old = store.active.kid;
    const changed = nextChange(store);
    const fresh = await other.rotate();
    expect(await changed).toBe(1);
    expect(store.active.kid).toBe(fresh.kid);
    expect(store.publicJwks().keys.map((jwk) => jwk.kid)).toEqual([fresh.kid, old]);
  });

  it('keeps the previous keys when the file is half written or not a JWKS, logs one line per failure without key material, and recovers', async () => {
    const { file, store, logger } = await watching();
    const before = { kid: store.active.kid, version: store.version };
    const full = readFileSync(file, 'utf8');
    const privateMember = (JSON.parse(full) as { keys: { d: string }[] }).keys[0]!.d;
    const half = full.slice(0, Math.floor(full.length * 0.7));
    writeFileSync(file, half);
    await until(() => logger.lines.length === 1);
    writeFileSync(file, half);
    await sleep(200);
    expect(logger.lines).toHaveLength(1);
    writeFileSync(file, '{"keys": []}');
    await until(() => logger.lines.length === 2);
    expect({ kid: store.active.kid, version: store.version }).toEqual(before);
    expect(logger.lines.filter((line) => line.level === 'error')).toHaveLength(2);
    expect(logger.lines[0]).toMatchObject({ level: 'error', message: 'signing keys not reloaded: keeping the previous keys', object: { err: `${file} is not JSON`, active: before.kid } });
    expect(JSON.stringify(logger.lines)).not.toContain(privateMember);

    const { text, kid } = await keyFileText();
    const changed = nextChange(store);
    replaceAtomically(file, text);
    await changed;
    expect(store.active.kid).toBe(kid);
    await until(() => logger.lines.length === 3);
    expect(logger.lines.at(-1)).toMatchObject({ level: 'info', message: 'signing keys reloaded', object: { active: kid } });
  });

  it('debounces a burst of replacements into one reload of the last one', async () => {
    const { file, store } = await watching({ debounceMs: 150 });
    const texts = await Promise.all([1, 2, 3, 4, 5].map(() => keyFileText()));
    for (const { text } of texts) replaceAtomically(file, text);
    await nextChange(store);
    await sleep(400);
    expect(store.version).toBe(1);
    expect(store.active.kid).toBe(texts.at(-1)!.kid);
  });

  it('ignores its own writes and other files in the folder', async () => {
    const { file, store } = await watching();
    await store.rotate();
    writeFileSync(join(directory, 'unrelated.json'), '{}');
    await sleep(200);
    expect(store.version).toBe(1);
    expect(readdirSync(directory).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('stops following the file after close()', async () => {
    const { file, store } = await watching();
    store.close();
    await (await KeyStore.fromFile(file)).rotate();
    await sleep(200);
    expect(store.version).toBe(0);
  });

  it.each([
    ['watch without a file', () => KeyStore.generate({ watch: true }), /watch needs a file/],
    ['a misspelt watch option', () => KeyStore.generate({ file: fileName('x'), watch: { debounce: 5 } as never }), /unknown option "debounce"; did you mean "debounceMs"/],
    ['a zero poll interval', () => KeyStore.generate({ file: fileName('x'), watch: { pollMs: 0 } }), /watch.pollMs must be a positive integer/],
    ['a logger without error()', () => KeyStore.generate({ logger: {} as never }), /logger must have/],
  ])('refuses %s (TypeError)', async (_name, create, message) => {
    await expect(create()).rejects.toThrow(TypeError);
    await expect(create()).rejects.toThrow(message);
  });
});

describe('watchKeyFile(file, onChange)', () => {
  it('notices a change through the stat poll alone (file systems without events)', async () => {
    const file = fileName('polled');
    writeFileSync(file, 'one');
    let calls = 0;
    const watch = watchKeyFile(file, () => void (calls += 1), { events: false, pollMs: 30, debounceMs: 10 });
    watches.push(watch);
    await sleep(100);
    expect(calls).toBe(0);
    replaceAtomically(file, 'two');
    await until(() => calls === 1);
    await sleep(100);
    expect(calls).toBe(1);
  });

  it('notices the file being deleted and created again', async () => {
    const file = fileName('recreated');
    writeFileSync(file, 'one');
    let calls = 0;
    const watch = watchKeyFile(file, () => void (calls += 1), { pollMs: 60_000, debounceMs: 10 });
    watches.push(watch);
    rmSync(file);
    await until(() => calls === 1);
    writeFileSync(file, 'two');
    await until(() => calls === 2);
  });
});
