import type { KeyObject } from 'node:crypto';

/** The smallest and largest RSA modulus accepted on an issuer, in bits. */
export const RSA_MODULUS_BITS = { min: 2048, max: 8192 } as const;
/** The named curves accepted for ECDSA issuer keys (node's names for P-256, P-384, P-521). */
export const EC_CURVES: ReadonlySet<string> = new Set(['prime256v1', 'secp384r1', 'secp521r1']);
const MAX_EXPONENT = 2n ** 32n;

/**
 * Why an issuer's public key is refused before any signature is checked with it, or undefined
 * when it is within bounds. A hostile chain can carry keys whose verification costs milliseconds
 * (RSA-16384, huge public exponents); none of those serve a real CA. The bounds: RSA and RSA-PSS
 * of 2048 to 8192 bits with an odd exponent from 3 to 2^32 (NIST SP 800-89 section 5.3.3 asks for
 * an odd e, 2^16 < e < 2^256; we accept the small 3 as OpenSSL does), ECDSA on P-256, P-384 or P-521
 * with a named curve (RFC 5480 section 2.1.1: "specifiedCurve ... MUST NOT be used"), Ed25519, Ed448.
 */
export function issuerKeyProblem(key: KeyObject): string | undefined {
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa':
    case 'rsa-pss': {
      const bits = details.modulusLength ?? 0;
      if (bits < RSA_MODULUS_BITS.min || bits > RSA_MODULUS_BITS.max) return `an RSA key of ${bits} bits (accepted: ${RSA_MODULUS_BITS.min} to ${RSA_MODULUS_BITS.max})`;
      const exponent = details.publicExponent ?? 0n;
      if (exponent < 3n || exponent >= MAX_EXPONENT || exponent % 2n === 0n) return 'an RSA public exponent outside the odd values from 3 to 2^32';
      return undefined;
    }
    case 'ec':
      return details.namedCurve && EC_CURVES.has(details.namedCurve) ? undefined : `an EC key on ${details.namedCurve ?? 'explicit parameters'} (accepted: P-256, P-384, P-521)`;
    case 'ed25519':
    case 'ed448':
      return undefined;
    default:
      return `a ${key.asymmetricKeyType ?? 'unknown'} key`;
  }
}
