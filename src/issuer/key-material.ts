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

/**
 * A private JWK as the key file holds it. `activates_at` and `retired_at` (NumericDate seconds,
 * our own members; RFC 7517 section 4 lets readers ignore them) schedule a rotation.
 */
export type StoredJwk = JWK & { activates_at?: number; retired_at?: number };

export interface StoredKey extends SigningKey {
  readonly jwk: StoredJwk;
  readonly publicJwk: JWK;
}

const PUBLIC_MEMBERS: Record<string, readonly string[]> = { EC: ['kty', 'crv', 'x', 'y'], OKP: ['kty', 'crv', 'x'], RSA: ['kty', 'n', 'e'] };

/** The public half of a JWK: a whitelist per key type, so no private member can leak (RFC 7517 section 4). */
function publicPart(jwk: JWK): JWK {
  const members = PUBLIC_MEMBERS[jwk.kty ?? ''] ?? [];
  const out: Record<string, unknown> = {};
  for (const name of [...members, 'kid', 'alg']) if ((jwk as Record<string, unknown>)[name] !== undefined) out[name] = (jwk as Record<string, unknown>)[name];
  out.use = 'sig';
  return out as JWK;
}

function checkTime(jwk: StoredJwk, member: 'activates_at' | 'retired_at', where: string): void {
  const value = jwk[member];
  if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value < 0)) {
    throw new TypeError(`${where}: ${member} must be a NumericDate (whole seconds since 1970)`);
  }
}

export async function importKey(jwk: StoredJwk, where: string): Promise<StoredKey> {
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) throw new TypeError(`${where}: each key must be a JWK object`);
  const alg = jwk.alg as SigningAlgorithm;
  if (!SIGNING_ALGORITHMS.includes(alg)) throw new TypeError(`${where}: alg must be one of ${SIGNING_ALGORITHMS.join(', ')}`);
  if (typeof jwk.kid !== 'string' || jwk.kid.length === 0) throw new TypeError(`${where}: kid is required`);
  if (typeof jwk.d !== 'string') throw new TypeError(`${where}: a signing key needs its private part ("d")`);
  checkTime(jwk, 'activates_at', where);
  checkTime(jwk, 'retired_at', where);
  try {
    const privateKey = (await importJWK(jwk, alg)) as CryptoKey;
    const publicJwk = publicPart(jwk);
    const publicKey = (await importJWK(publicJwk, alg)) as CryptoKey;
    return { kid: jwk.kid, alg, privateKey, publicKey, jwk, publicJwk };
  } catch (error) {
    throw new TypeError(`${where}: ${(error as Error).message}`);
  }
}

/** A fresh key pair; `activatesAt` schedules when it starts signing. */
export async function createKey(alg: SigningAlgorithm, activatesAt?: number): Promise<StoredKey> {
  const pair = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(pair.privateKey);
  // RFC 7638 thumbprint as kid: stable across instances that share the file.
  const kid = await calculateJwkThumbprint(jwk);
  return importKey({ ...jwk, kid, alg, use: 'sig', ...(activatesAt === undefined ? {} : { activates_at: activatesAt }) }, 'generated key');
}

/**
 * Parses a key file's text. Never echoes the text: a JSON syntax error message would quote
 * part of it, and it holds private keys.
 * @throws {TypeError} naming the file (and key index) for anything but a usable JWKS
 */
export async function parseKeyFile(text: string, where: string): Promise<StoredKey[]> {
  let jwks: { keys?: unknown };
  try {
    jwks = JSON.parse(text) as { keys?: unknown };
  } catch {
    throw new TypeError(`${where} is not JSON`);
  }
  if (typeof jwks !== 'object' || jwks === null || !Array.isArray(jwks.keys) || jwks.keys.length === 0) throw new TypeError(`${where} must be a JWKS: { "keys": [ ... ] }`);
  const keys = await Promise.all(jwks.keys.map((jwk, index) => importKey(jwk as StoredJwk, `${where} keys[${index}]`)));
  if (!keys.some((key) => key.jwk.retired_at === undefined)) throw new TypeError(`${where} has no active key (every key has retired_at)`);
  if (new Set(keys.map((key) => key.kid)).size !== keys.length) throw new TypeError(`${where} has duplicate kid values`);
  return keys;
}

/** The text written to a key file: private JWKs with their schedule, newest first. */
export function serializeKeys(keys: readonly StoredKey[]): string {
  return JSON.stringify({ keys: keys.map((key) => key.jwk) }, null, 2) + '\n';
}
