import 'reflect-metadata';
import { createPrivateKey, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

export const subtle = (webcrypto as unknown as Crypto).subtle;
x509.cryptoProvider.set(webcrypto as unknown as Crypto);

/** Key types the development PKI can create. */
export const KEY_TYPES = ['ec-p256', 'ec-p384', 'rsa-2048', 'ed25519'] as const;
export type KeyType = (typeof KEY_TYPES)[number];

interface Algorithms {
  generate: EcKeyGenParams | RsaHashedKeyGenParams | Algorithm;
  import: EcKeyImportParams | RsaHashedImportParams | Algorithm;
  sign: Algorithm | EcdsaParams;
}

const RSA = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
export const ALGORITHMS: Record<KeyType, Algorithms> = {
  'ec-p256': { generate: { name: 'ECDSA', namedCurve: 'P-256' }, import: { name: 'ECDSA', namedCurve: 'P-256' }, sign: { name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams },
  'ec-p384': { generate: { name: 'ECDSA', namedCurve: 'P-384' }, import: { name: 'ECDSA', namedCurve: 'P-384' }, sign: { name: 'ECDSA', hash: 'SHA-384' } as EcdsaParams },
  'rsa-2048': { generate: { ...RSA, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) }, import: RSA, sign: { name: 'RSASSA-PKCS1-v1_5' } },
  ed25519: { generate: { name: 'Ed25519' }, import: { name: 'Ed25519' }, sign: { name: 'Ed25519' } },
};

export async function generateKeyPair(type: KeyType): Promise<CryptoKeyPair> {
  return (await subtle.generateKey(ALGORITHMS[type].generate as EcKeyGenParams, true, ['sign', 'verify'])) as CryptoKeyPair;
}

/** The key type of a PEM private key, or a TypeError naming what it is instead. */
export function keyTypeOf(pem: string): KeyType {
  const key = createPrivateKey(pem);
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType === 'ec' && curve === 'prime256v1') return 'ec-p256';
  if (key.asymmetricKeyType === 'ec' && curve === 'secp384r1') return 'ec-p384';
  if (key.asymmetricKeyType === 'rsa') return 'rsa-2048';
  if (key.asymmetricKeyType === 'ed25519') return 'ed25519';
  throw new TypeError(`unsupported CA key type ${key.asymmetricKeyType}${curve ? ` (${curve})` : ''}`);
}

/** A PEM private key (any encoding OpenSSL reads) as a WebCrypto signing key. */
export async function importPrivateKey(pem: string): Promise<{ key: CryptoKey; type: KeyType }> {
  const type = keyTypeOf(pem);
  const pkcs8 = createPrivateKey(pem).export({ format: 'der', type: 'pkcs8' });
  const key = await subtle.importKey('pkcs8', pkcs8, ALGORITHMS[type].import as EcKeyImportParams, true, ['sign']);
  return { key, type };
}

export async function privateKeyPem(key: CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await subtle.exportKey('pkcs8', key), 'PRIVATE KEY') + '\n';
}
