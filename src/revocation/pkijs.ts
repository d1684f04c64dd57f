/**
 * pkijs, loaded on first use: CRL and OCSP parsing stay out of the import graph of the core
 * (certificate model, forwarded formats, proxy and resource middleware), which only sees the
 * checker's types.
 */
type Pkijs = typeof import('pkijs');

let loading: Promise<Pkijs> | undefined;

export function loadPkijs(): Promise<Pkijs> {
  loading ??= import('pkijs');
  return loading;
}

/** The pkijs parse of a DER certificate, kept per DER buffer (a validated path's certificates are reused). */
const parsed = new WeakMap<Buffer, import('pkijs').Certificate>();

export async function pkijsCertificate(der: Buffer): Promise<import('pkijs').Certificate> {
  const hit = parsed.get(der);
  if (hit) return hit;
  const pkijs = await loadPkijs();
  const certificate = pkijs.Certificate.fromBER(new Uint8Array(der));
  parsed.set(der, certificate);
  return certificate;
}

/** Upper-case hex of a DER INTEGER's content without leading zero octets: one spelling per serial. */
export function serialKey(hex: string): string {
  return hex.toUpperCase().replace(/^(00)+(?=..)/, '');
}

export function bytesToHex(bytes: ArrayBuffer | Uint8Array): string {
  return Buffer.from(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)).toString('hex').toUpperCase();
}
