/**
 * The soak's client population: one CA and N client certificates (EC P-256, one key each, DNS SAN
 * `c<i>.soak.test`), generated once with @peculiar/x509 and cached under .tmp/soak/ (not committed).
 */
import 'reflect-metadata';
import { createHash, webcrypto } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);
const subtle = (webcrypto as unknown as Crypto).subtle;
const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export interface SoakClient { id: string; dns: string; cert: string; key: string; thumbprint: string }
export interface SoakPki { caPem: string; clients: SoakClient[] }

const pem = (der: ArrayBuffer, label: string): string => x509.PemConverter.encode(der, label) + '\n';

async function generate(count: number): Promise<SoakPki> {
  const caKeys = await subtle.generateKey(EC, true, ['sign', 'verify']) as CryptoKeyPair;
  const notBefore = new Date(Date.now() - 3600_000);
  const notAfter = new Date(Date.now() + 30 * 86400_000);
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01', name: 'CN=mtls-pop soak CA', notBefore, notAfter, keys: caKeys, signingAlgorithm: EC,
    extensions: [new x509.BasicConstraintsExtension(true, 0, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)],
  });
  const clients: SoakClient[] = [];
  for (let start = 0; start < count; start += 200) {
    const batch = await Promise.all(Array.from({ length: Math.min(200, count - start) }, async (_, offset) => {
      const index = start + offset;
      const keys = await subtle.generateKey(EC, true, ['sign', 'verify']) as CryptoKeyPair;
      const dns = `c${index}.soak.test`;
      const cert = await x509.X509CertificateGenerator.create({
        serialNumber: (index + 2).toString(16).padStart(6, '0'), subject: `CN=c${index}, O=mtls-pop soak`, issuer: ca.subject,
        notBefore, notAfter, publicKey: keys.publicKey, signingKey: caKeys.privateKey, signingAlgorithm: EC,
        extensions: [new x509.BasicConstraintsExtension(false, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
          new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]), new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: dns }])],
      });
      const thumbprint = createHash('sha256').update(Buffer.from(cert.rawData)).digest('base64url');
      return { id: `soak-client-${index}`, dns, cert: cert.toString('pem') + '\n', key: pem(await subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY'), thumbprint };
    }));
    clients.push(...batch);
  }
  return { caPem: ca.toString('pem') + '\n', clients };
}

/** The cached population in `dir`, generated when missing or smaller than `count`. */
export async function soakPki(dir: string, count: number): Promise<SoakPki> {
  const file = join(dir, `pki-${count}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as SoakPki;
  mkdirSync(dir, { recursive: true });
  const started = Date.now();
  const pki = await generate(count);
  writeFileSync(file, JSON.stringify(pki), { mode: 0o600 });
  console.error(`soak: generated ${count} client certificates in ${((Date.now() - started) / 1000).toFixed(1)} s (cached in ${file})`);
  return pki;
}
