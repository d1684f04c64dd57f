import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { JWK } from 'jose';
import { defaultLogger, type Logger } from '../log.js';
import { rejectUnknownKeys } from './did-you-mean.js';
import { lockFile, writeAtomically } from './key-file.js';
import { WATCH_DEFAULTS, watchKeyFile, type KeyFileWatch, type KeyFileWatchOptions } from './key-file-watcher.js';
import { createKey, parseKeyFile, serializeKeys, SIGNING_ALGORITHMS, type SigningAlgorithm, type SigningKey, type StoredKey } from './key-material.js';

export { SIGNING_ALGORITHMS, type SigningAlgorithm, type SigningKey } from './key-material.js';
export type { KeyFileWatchOptions } from './key-file-watcher.js';

export interface KeyStoreOptions {
  /** JWKS file (private keys) to read and, on `generate`/`rotate`, write. Default: memory only. */
  file?: string;
  /** Algorithm of generated keys. Default `ES256`. */
  algorithm?: SigningAlgorithm;
  /** Seconds a rotated-out key stays published; must cover the longest token lifetime. Default 86400. */
  retainSeconds?: number;
  /** Reload `file` when it changes (fs events, debounced, plus a `stat` poll). `true` for the defaults. Default false. */
  watch?: boolean | KeyFileWatchOptions;
  /** Where a watched reload that fails, or succeeds, is logged. Default: the mtls-pop logger. */
  logger?: Logger;
}

/** Options of `rotate`. */
export interface RotateOptions {
  /** Algorithm of the new key. Default: the store's `algorithm`. */
  algorithm?: SigningAlgorithm;
  /**
   * Seconds the new key is published before it signs (the previous key signs until then).
   * Give every instance sharing the file time to publish it first. Default 0.
   */
  activateAfterSeconds?: number;
}

/** A key as `describeKeys` shows it: public facts only. */
export interface KeyDescription {
  kid: string;
  alg: SigningAlgorithm;
  /** active: signs new tokens; next: published, signs from `activatesAt`; retiring: published for tokens it signed; retired: no longer published; published: published, not scheduled. */
  status: 'active' | 'next' | 'retiring' | 'retired' | 'published';
  activatesAt: number | undefined;
  retiredAt: number | undefined;
  /** When it leaves the JWKS (NumericDate), undefined while not retired. */
  publishedUntil: number | undefined;
}

const OPTION_NAMES = ['file', 'algorithm', 'retainSeconds', 'watch', 'logger'];
const WATCH_OPTION_NAMES = ['debounceMs', 'pollMs'];
const now = () => Math.floor(Date.now() / 1000);

/**
 * The authorization server's signing keys: several published, one active. Keys come from a
 * JWKS file of private JWKs; the newest key whose `activates_at` has come and whose `retired_at`
 * has not is active. `rotate` adds a key and retires the previous one, which stays published for
 * `retainSeconds` so that tokens it signed verify until they expire. With `watch`, changes of the
 * file (another instance or `mtls-pop keys rotate`) are picked up within seconds.
 */
export class KeyStore {
  #keys: StoredKey[];
  #text: string | undefined;
  #version = 0;
  #ticket = 0;
  #rotation: Promise<void> = Promise.resolve();
  #applied = 0;
  readonly #listeners = new Set<(store: KeyStore) => void>();
  #watch: KeyFileWatch | undefined;
  #reloading = false;
  #reloadAgain = false;
  #lastFailure: string | undefined;
  #publicMemo: { keys: readonly StoredKey[]; jwks: { keys: JWK[] } } | undefined;
  readonly #logger: Logger | undefined;
  readonly file: string | undefined;
  readonly algorithm: SigningAlgorithm;
  readonly retainSeconds: number;

  private constructor(keys: StoredKey[], text: string | undefined, options: KeyStoreOptions) {
    this.#keys = keys;
    this.#text = text;
    this.file = options.file;
    this.algorithm = options.algorithm ?? 'ES256';
    this.retainSeconds = options.retainSeconds ?? 86_400;
    this.#logger = options.logger;
    if (options.watch && options.file) {
      const watch = options.watch === true ? {} : options.watch;
      this.#watch = watchKeyFile(options.file, () => this.#reloadWatched(), { debounceMs: watch.debounceMs ?? WATCH_DEFAULTS.debounceMs, pollMs: watch.pollMs ?? WATCH_DEFAULTS.pollMs });
      // A change between reading the file and the watcher's first look would otherwise go unseen.
      this.#reloadWatched();
    }
  }

  static #checkOptions(options: KeyStoreOptions, hasFile: boolean): void {
    rejectUnknownKeys(options, OPTION_NAMES, 'KeyStore');
    if (options.algorithm !== undefined && !SIGNING_ALGORITHMS.includes(options.algorithm)) {
      throw new TypeError(`algorithm must be one of ${SIGNING_ALGORITHMS.join(', ')}`);
    }
    if (options.retainSeconds !== undefined && (!Number.isInteger(options.retainSeconds) || options.retainSeconds < 0)) {
      throw new TypeError('retainSeconds must be a non-negative integer');
    }
    const { watch, logger } = options;
    if (watch !== undefined && typeof watch !== 'boolean') {
      if (typeof watch !== 'object' || watch === null) throw new TypeError('KeyStore: watch must be a boolean or { debounceMs, pollMs }');
      rejectUnknownKeys(watch, WATCH_OPTION_NAMES, 'KeyStore watch');
      for (const name of ['debounceMs', 'pollMs'] as const) {
        const value = watch[name];
        if (value !== undefined && (!Number.isInteger(value) || value < 1)) throw new TypeError(`KeyStore: watch.${name} must be a positive integer (milliseconds)`);
      }
    }
    if (watch && !hasFile) throw new TypeError('KeyStore: watch needs a file');
    if (logger !== undefined && (typeof logger?.warn !== 'function' || typeof logger.error !== 'function' || typeof logger.info !== 'function')) {
      throw new TypeError('KeyStore: logger must have info(), warn() and error()');
    }
  }

  /** Keys from a JWKS object of private JWKs (held in memory). */
  static async fromJwks(jwks: { keys: readonly JWK[] }, options: Omit<KeyStoreOptions, 'file' | 'watch'> = {}): Promise<KeyStore> {
    KeyStore.#checkOptions(options, false);
    return new KeyStore(await parseKeyFile(JSON.stringify(jwks), 'jwks'), undefined, options);
  }

  /** Keys from a JWKS file of private JWKs. */
  static async fromFile(file: string, options: Omit<KeyStoreOptions, 'file'> = {}): Promise<KeyStore> {
    KeyStore.#checkOptions(options, true);
    const text = await readFile(file, 'utf8');
    return new KeyStore(await parseKeyFile(text, file), text, { ...options, file });
  }

  /** Development keys: reuses `file` when it exists, else generates one key and writes it there (mode 0600). */
  static async generate(options: KeyStoreOptions = {}): Promise<KeyStore> {
    KeyStore.#checkOptions(options, options.file !== undefined);
    const { file, ...rest } = options;
    if (file && existsSync(file)) return KeyStore.fromFile(file, rest);
    const keys = [await createKey(options.algorithm ?? 'ES256')];
    const text = serializeKeys(keys);
    // Several instances may start at once on a fresh state folder: the first file wins and the
    // others read it, so that no instance signs with a key the others never publish.
    if (file && !(await writeAtomically(file, text, { exclusive: true }))) return KeyStore.fromFile(file, rest);
    return new KeyStore(keys, file ? text : undefined, options);
  }

  /** The key new tokens are signed with. */
  get active(): SigningKey {
    return this.#activeAt(now());
  }

  /** Grows by one each time the key set changes (rotate, or a reload that found new content). */
  get version(): number {
    return this.#version;
  }

  /** Calls `listener` after each change of the key set; returns the function that unsubscribes it. */
  onChange(listener: (store: KeyStore) => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /** The key with this `kid`, if it is still published. */
  verificationKey(kid: string | undefined, at = now()): SigningKey | undefined {
    return this.#published(at).find((key) => key.kid === kid);
  }

  /**
   * The public JWKS (RFC 7517 section 5) served at /jwks: active, next and retained keys, public
   * members only. Frozen, and the same object while the published keys stay the same, so that
   * a `requireCertificateBoundToken` reading it on every request notices a change by identity.
   */
  publicJwks(at = now()): { keys: JWK[] } {
    const published = this.#published(at);
    const memo = this.#publicMemo;
    if (memo && memo.keys.length === published.length && memo.keys.every((key, index) => key === published[index])) return memo.jwks;
    const jwks = Object.freeze({ keys: Object.freeze(published.map((key) => Object.freeze({ ...key.publicJwk }))) as JWK[] });
    this.#publicMemo = { keys: published, jwks };
    return jwks;
  }

  /** Every key in the store with its schedule and status; never private material. */
  describeKeys(at = now()): KeyDescription[] {
    const active = this.#activeAt(at);
    const published = new Set(this.#published(at));
    return this.#keys.map((key) => {
      const { activates_at: activatesAt, retired_at: retiredAt } = key.jwk;
      const status: KeyDescription['status'] = key === active ? 'active' : !published.has(key) ? 'retired'
        : activatesAt !== undefined && activatesAt > at && (retiredAt === undefined || retiredAt > activatesAt) ? 'next'
        : retiredAt !== undefined ? 'retiring' : 'published';
      return { kid: key.kid, alg: key.alg, status, activatesAt, retiredAt, publishedUntil: retiredAt === undefined ? undefined : retiredAt + this.retainSeconds };
    });
  }

  #activeAt(at: number): StoredKey {
    return this.#keys.find((key) => (key.jwk.activates_at ?? 0) <= at && (key.jwk.retired_at === undefined || key.jwk.retired_at > at))
      ?? this.#keys.find((key) => key.jwk.retired_at === undefined)!;
  }

  #published(at: number): StoredKey[] {
    return this.#keys.filter((key) => key.jwk.retired_at === undefined || key.jwk.retired_at + this.retainSeconds > at);
  }

  /**
   * Adds a new key; the key that signs now keeps signing until the new one activates, then
   * stays published for `retainSeconds`. Keys past their retention are dropped. A file-backed
   * store re-reads the file first and writes it atomically after.
   */
  async rotate(options: RotateOptions | SigningAlgorithm = {}): Promise<SigningKey> {
    const { algorithm = this.algorithm, activateAfterSeconds = 0 } = typeof options === 'string' ? { algorithm: options } : options;
    if (!SIGNING_ALGORITHMS.includes(algorithm)) throw new TypeError(`algorithm must be one of ${SIGNING_ALGORITHMS.join(', ')}`);
    if (!Number.isInteger(activateAfterSeconds) || activateAfterSeconds < 0) throw new TypeError('activateAfterSeconds must be a non-negative integer');
    // One rotation at a time: in this process by chaining, across processes by a lock file, so
    // that two rotations never overwrite each other's new key.
    const previous = this.#rotation;
    let release!: () => void;
    this.#rotation = new Promise<void>((resolve) => (release = resolve));
    await previous;
    const unlock = this.file ? await lockFile(`${this.file}.lock`) : undefined;
    try {
      return await this.#rotateLocked(algorithm, activateAfterSeconds);
    } finally {
      await unlock?.();
      release();
    }
  }

  async #rotateLocked(algorithm: SigningAlgorithm, activateAfterSeconds: number): Promise<SigningKey> {
    if (this.file) await this.reload();
    const at = now();
    const switchAt = at + activateAfterSeconds;
    const fresh = await createKey(algorithm, activateAfterSeconds > 0 ? switchAt : undefined);
    const kept = this.#published(at).map((key) => (key.jwk.retired_at === undefined ? { ...key, jwk: { ...key.jwk, retired_at: switchAt } } : key));
    const keys = [fresh, ...kept];
    const text = serializeKeys(keys);
    if (this.file) await writeAtomically(this.file, text);
    // Every reload that began before this point may have read the old file: none may undo this.
    this.#apply(keys, text, ++this.#ticket);
    return fresh;
  }

  /**
   * Re-reads `file` and, when its content changed, swaps the whole key set at once (`version`
   * grows). No-op for a memory-only store.
   * @throws {TypeError} when the file is not a usable JWKS (the previous keys stay in use)
   */
  async reload(): Promise<void> {
    if (!this.file) return;
    const ticket = ++this.#ticket;
    const text = await readFile(this.file, 'utf8');
    if (text === this.#text) return;
    const keys = await parseKeyFile(text, this.file);
    // A slower read that started before a newer read or write must not undo it.
    if (ticket < this.#applied) return;
    this.#apply(keys, text, ticket);
  }

  /** Stops watching the file. The store keeps working with the keys it has. */
  close(): void {
    this.#watch?.close();
    this.#watch = undefined;
  }

  #apply(keys: StoredKey[], text: string | undefined, ticket: number): void {
    this.#keys = keys;
    this.#text = text;
    this.#applied = ticket;
    this.#version += 1;
    for (const listener of this.#listeners) {
      try {
        listener(this);
      } catch (error) {
        this.#log().error({ err: (error as Error).message }, 'signing keys: change listener failed');
      }
    }
  }

  #log(): Logger {
    return this.#logger ?? defaultLogger();
  }

  /** A watched change: one reload at a time; a broken file keeps the previous keys and logs one line. */
  #reloadWatched(): void {
    if (this.#reloading) {
      this.#reloadAgain = true;
      return;
    }
    this.#reloading = true;
    void (async () => {
      do {
        this.#reloadAgain = false;
        try {
          const before = this.#version;
          await this.reload();
          this.#lastFailure = undefined;
          if (this.#version !== before) this.#log().info({ file: this.file, active: this.active.kid, published: this.#published(now()).map((key) => key.kid) }, 'signing keys reloaded');
        } catch (error) {
          const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
          if (reason !== this.#lastFailure) this.#log().error({ file: this.file, err: reason, active: this.active.kid }, 'signing keys not reloaded: keeping the previous keys');
          this.#lastFailure = reason;
        }
      } while (this.#reloadAgain && this.#watch);
      this.#reloading = false;
    })();
  }
}
