import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';

/** The JWS algorithms a KeyStore signs with (RFC 7518 section 3, RFC 8037 section 3.1). */
export type SigningAlgorithm = 'ES256' | 'EdDSA' | 'PS256' | 'RS256';
export const SIGNING_ALGORITHMS: readonly SigningAlgorithm[] = ['ES256', 'EdDSA', 'PS256', 'RS256'];

/** A signing key as the issuer uses it. */
export interface SigningKey {
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
}

interface StoredKey extends SigningKey {
  readonly jwk: JWK & { retired_at?: number };
  readonly publicJwk: JWK;
}

export interface KeyStoreOptions {
  /** JWKS file (private keys) to read and, on `generate`/`rotate`, write. Default: memory only. */
  file?: string;
  /** Algorithm of generated keys. Default `ES256`. */
  algorithm?: SigningAlgorithm;
  /** Seconds a rotated-out key stays published; must cover the longest token lifetime. Default 86400. */
  retainSeconds?: number;
}

const PUBLIC_MEMBERS: Record<string, readonly string[]> = { EC: ['kty', 'crv', 'x', 'y'], OKP: ['kty', 'crv', 'x'], RSA: ['kty', 'n', 'e'] };
const OPTION_NAMES = ['file', 'algorithm', 'retainSeconds'];
const now = () => Math.floor(Date.now() / 1000);

/** The public half of a JWK: a whitelist per key type, so no private member can leak (RFC 7517 section 4). */
function publicPart(jwk: JWK): JWK {
  const members = PUBLIC_MEMBERS[jwk.kty ?? ''] ?? [];
  const out: Record<string, unknown> = {};
  for (const name of [...members, 'kid', 'alg']) if ((jwk as Record<string, unknown>)[name] !== undefined) out[name] = (jwk as Record<string, unknown>)[name];
  out.use = 'sig';
  return out as JWK;
}

async function importKey(jwk: JWK & { retired_at?: number }, where: string): Promise<StoredKey> {
  const alg = jwk.alg as SigningAlgorithm;
  if (!SIGNING_ALGORITHMS.includes(alg)) throw new TypeError(`${where}: alg must be one of ${SIGNING_ALGORITHMS.join(', ')}`);
  if (typeof jwk.kid !== 'string' || jwk.kid.length === 0) throw new TypeError(`${where}: kid is required`);
  if (typeof jwk.d !== 'string') throw new TypeError(`${where}: a signing key needs its private part ("d")`);
  try {
    const privateKey = (await importJWK(jwk, alg)) as CryptoKey;
    const publicJwk = publicPart(jwk);
    const publicKey = (await importJWK(publicJwk, alg)) as CryptoKey;
    return { kid: jwk.kid, alg, privateKey, publicKey, jwk, publicJwk };
  } catch (error) {
    throw new TypeError(`${where}: ${(error as Error).message}`);
  }
}

async function createKey(alg: SigningAlgorithm): Promise<StoredKey> {
  const pair = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(pair.privateKey);
  // RFC 7638 thumbprint as kid: stable across instances that share the file.
  const kid = await calculateJwkThumbprint(jwk);
  return importKey({ ...jwk, kid, alg, use: 'sig' }, 'generated key');
}

/**
 * The authorization server's signing keys: several published, one active. Keys come from a
 * JWKS file of private JWKs (the first key without `retired_at` is active); `generate` creates
 * and persists one for development; `rotate` adds a new active key and keeps the old one
 * published for `retainSeconds`, so tokens it signed stay verifiable until they expire.
 */
export class KeyStore {
  #keys: StoredKey[];
  readonly file: string | undefined;
  readonly algorithm: SigningAlgorithm;
  readonly retainSeconds: number;

  private constructor(keys: StoredKey[], options: KeyStoreOptions) {
    this.#keys = keys;
    this.file = options.file;
    this.algorithm = options.algorithm ?? 'ES256';
    this.retainSeconds = options.retainSeconds ?? 86_400;
  }

  static #checkOptions(options: KeyStoreOptions): void {
    for (const key of Object.keys(options)) {
      if (!OPTION_NAMES.includes(key)) throw new TypeError(`unknown KeyStore option "${key}"; known: ${OPTION_NAMES.join(', ')}`);
    }
    if (options.algorithm !== undefined && !SIGNING_ALGORITHMS.includes(options.algorithm)) {
      throw new TypeError(`algorithm must be one of ${SIGNING_ALGORITHMS.join(', ')}`);
    }
    if (options.retainSeconds !== undefined && (!Number.isInteger(options.retainSeconds) || options.retainSeconds < 0)) {
      throw new TypeError('retainSeconds must be a non-negative integer');
    }
  }

  static async #parse(text: string, where: string): Promise<StoredKey[]> {
    let jwks: { keys?: unknown };
    try {
      jwks = JSON.parse(text) as { keys?: unknown };
    } catch {
      throw new TypeError(`${where} is not JSON`);
    }
    if (!Array.isArray(jwks.keys) || jwks.keys.length === 0) throw new TypeError(`${where} must be a JWKS: { "keys": [ ... ] }`);
    const keys = await Promise.all(jwks.keys.map((jwk, index) => importKey(jwk as JWK, `${where} keys[${index}]`)));
    if (!keys.some((key) => key.jwk.retired_at === undefined)) throw new TypeError(`${where} has no active key (every key has retired_at)`);
    if (new Set(keys.map((key) => key.kid)).size !== keys.length) throw new TypeError(`${where} has duplicate kid values`);
    return keys;
  }

  /** Keys from a JWKS object of private JWKs (held in memory). */
  static async fromJwks(jwks: { keys: readonly JWK[] }, options: Omit<KeyStoreOptions, 'file'> = {}): Promise<KeyStore> {
    KeyStore.#checkOptions(options);
    return new KeyStore(await KeyStore.#parse(JSON.stringify(jwks), 'jwks'), options);
  }

  /** Keys from a JWKS file of private JWKs. */
  static async fromFile(file: string, options: Omit<KeyStoreOptions, 'file'> = {}): Promise<KeyStore> {
    KeyStore.#checkOptions(options);
    return new KeyStore(await KeyStore.#parse(await readFile(file, 'utf8'), file), { ...options, file });
  }

  /** Development keys: reuses `file` when it exists, else generates one key and writes it there (mode 0600). */
  static async generate(options: KeyStoreOptions = {}): Promise<KeyStore> {
    KeyStore.#checkOptions(options);
    if (options.file && existsSync(options.file)) return KeyStore.fromFile(options.file, { algorithm: options.algorithm, retainSeconds: options.retainSeconds });
    const store = new KeyStore([await createKey(options.algorithm ?? 'ES256')], options);
    await store.#persist();
    return store;
  }

  /** The key new tokens are signed with. */
  get active(): SigningKey {
    return this.#keys.find((key) => key.jwk.retired_at === undefined)!;
  }

  /** The key with this `kid`, if it is still published. */
  verificationKey(kid: string | undefined, at = now()): SigningKey | undefined {
    return this.#published(at).find((key) => key.kid === kid);
  }

  /** The public JWKS (RFC 7517 section 5) served at /jwks: active and retained keys, public members only. */
  publicJwks(at = now()): { keys: JWK[] } {
    return { keys: this.#published(at).map((key) => ({ ...key.publicJwk })) };
  }

  #published(at: number): StoredKey[] {
    return this.#keys.filter((key) => key.jwk.retired_at === undefined || key.jwk.retired_at + this.retainSeconds > at);
  }

  /** Makes a new key active; the previous one stays published for `retainSeconds`. Persists to `file`. */
  async rotate(algorithm: SigningAlgorithm = this.algorithm): Promise<SigningKey> {
    const fresh = await createKey(algorithm);
    const at = now();
    const kept = this.#published(at).map((key) => (key.jwk.retired_at === undefined ? { ...key, jwk: { ...key.jwk, retired_at: at } } : key));
    this.#keys = [fresh, ...kept];
    await this.#persist();
    return fresh;
  }

  /** Re-reads `file` (another instance may have rotated). No-op for a memory-only store. */
  async reload(): Promise<void> {
    if (this.file) this.#keys = await KeyStore.#parse(await readFile(this.file, 'utf8'), this.file);
  }

  async #persist(): Promise<void> {
    if (!this.file) return;
    const temporary = `${this.file}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify({ keys: this.#keys.map((key) => key.jwk) }, null, 2) + '\n', { mode: 0o600 });
    await rename(temporary, this.file);
  }
}
