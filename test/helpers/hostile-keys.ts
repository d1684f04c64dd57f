/** Public keys no CA needs, built by hand: what a hostile chain carries to make verification slow. */

function length(size: number): Buffer {
  if (size < 0x80) return Buffer.from([size]);
  const bytes: number[] = [];
  for (let rest = size; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const tlv = (tag: number, content: Buffer) => Buffer.concat([Buffer.from([tag]), length(content.length), content]);
const unsigned = (bytes: Buffer) => tlv(0x02, bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);

/**
 * An RSA SubjectPublicKeyInfo (RFC 8017 appendix A.1.1) as PEM with a modulus of `bits` bits
 * (random, odd, top bit set: not a product of two primes, which no verifier can tell cheaply)
 * and the given big-endian public exponent.
 */
export function hostileRsaPublicKeyPem(bits: number, exponent: Buffer): string {
  const modulus = Buffer.alloc(bits / 8);
  for (let i = 0; i < modulus.length; i++) modulus[i] = Math.floor(Math.random() * 256);
  modulus[0]! |= 0x80;
  modulus[modulus.length - 1]! |= 0x01;
  const algorithm = Buffer.from('300d06092a864886f70d0101010500', 'hex');
  const rsaKey = tlv(0x30, Buffer.concat([unsigned(modulus), unsigned(exponent)]));
  const spki = tlv(0x30, Buffer.concat([algorithm, tlv(0x03, Buffer.concat([Buffer.from([0]), rsaKey]))]));
  return `-----BEGIN PUBLIC KEY-----\n${spki.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END PUBLIC KEY-----\n`;
}

/**
 * The certificate `der` with its signature replaced by `signature` (the BIT STRING re-encoded):
 * what an attacker who makes their own leaf sends, so that checking it with a candidate's
 * RSA-16384 key runs the whole modular exponentiation instead of failing on the length.
 */
export function withSignature(der: Buffer, signature: Buffer): Buffer {
  const read = (offset: number) => {
    let size = der[offset + 1]!;
    let start = offset + 2;
    if (size & 0x80) {
      const count = size & 0x7f;
      size = 0;
      for (let i = 0; i < count; i++) size = size * 256 + der[offset + 2 + i]!;
      start += count;
    }
    return { start, end: start + size };
  };
  const outer = read(0);
  const tbs = read(outer.start);
  const algorithm = read(tbs.end);
  return tlv(0x30, Buffer.concat([der.subarray(outer.start, algorithm.end), tlv(0x03, Buffer.concat([Buffer.from([0]), signature]))]));
}
