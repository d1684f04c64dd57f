/**
 * Regenerates the development PKI under fixtures/ (npm run fixtures).
 * Root CA -> intermediate CA -> client and server certificates, plus the odd ones tests need
 * (expired, not yet valid, self-signed, from an unrelated CA). Private keys here are test-only.
 */
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { webcrypto } from 'node:crypto';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';

const crypto = webcrypto as unknown as Crypto;
x509.cryptoProvider.set(crypto);

const out = join(import.meta.dirname, '..', 'fixtures', 'pki');
mkdirSync(out, { recursive: true });

type KeyKind = 'ec-p256' | 'ec-p384' | 'rsa-2048' | 'ed25519';
const algorithms: Record<KeyKind, { generate: EcKeyGenParams | RsaHashedKeyGenParams | Algorithm; sign: Algorithm | EcdsaParams }> = {
  'ec-p256': { generate: { name: 'ECDSA', namedCurve: 'P-256' }, sign: { name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams },
  'ec-p384': { generate: { name: 'ECDSA', namedCurve: 'P-384' }, sign: { name: 'ECDSA', hash: 'SHA-384' } as EcdsaParams },
  'rsa-2048': {
    generate: { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    sign: { name: 'RSASSA-PKCS1-v1_5' },
  },
  ed25519: { generate: { name: 'Ed25519' }, sign: { name: 'Ed25519' } },
};

interface Issued {
  cert: x509.X509Certificate;
  keys: CryptoKeyPair;
  kind: KeyKind;
}

const year = 365 * 24 * 3600 * 1000;
let serial = 0x1000;

async function keyPair(kind: KeyKind): Promise<CryptoKeyPair> {
  return (await crypto.subtle.generateKey(algorithms[kind].generate as EcKeyGenParams, true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function write(name: string, issued: Issued): Promise<void> {
  writeFileSync(join(out, `${name}.pem`), issued.cert.toString('pem') + '\n');
  const pkcs8 = await crypto.subtle.exportKey('pkcs8', issued.keys.privateKey);
  writeFileSync(join(out, `${name}.key`), x509.PemConverter.encode(pkcs8, 'PRIVATE KEY') + '\n');
}

async function issue(options: {
  subject: string;
  kind: KeyKind;
  issuer?: Issued;
  ca?: boolean;
  pathLength?: number;
  notBefore?: Date;
  notAfter?: Date;
  san?: x509.JsonGeneralNames;
  usage?: 'client' | 'server' | 'both';
}): Promise<Issued> {
  const keys = await keyPair(options.kind);
  const now = Date.now();
  const extensions: x509.Extension[] = [];
  if (options.ca) {
    extensions.push(new x509.BasicConstraintsExtension(true, options.pathLength, true));
    extensions.push(new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true));
  } else {
    extensions.push(new x509.BasicConstraintsExtension(false, undefined, true));
    const rsa = options.kind === 'rsa-2048';
    extensions.push(new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | (rsa ? x509.KeyUsageFlags.keyEncipherment : 0), true));
    const usage = options.usage ?? 'client';
    const ekus = usage === 'both' ? [x509.ExtendedKeyUsage.clientAuth, x509.ExtendedKeyUsage.serverAuth]
      : usage === 'server' ? [x509.ExtendedKeyUsage.serverAuth] : [x509.ExtendedKeyUsage.clientAuth];
    extensions.push(new x509.ExtendedKeyUsageExtension(ekus, false));
  }
  if (options.san) extensions.push(new x509.SubjectAlternativeNameExtension(options.san, false));
  extensions.push(await x509.SubjectKeyIdentifierExtension.create(keys.publicKey));
  if (options.issuer) extensions.push(await x509.AuthorityKeyIdentifierExtension.create(options.issuer.cert, false));
  const common = {
    serialNumber: (serial++).toString(16).padStart(4, '0'),
    name: options.subject,
    notBefore: options.notBefore ?? new Date(now - 24 * 3600 * 1000),
    notAfter: options.notAfter ?? new Date(now + 20 * year),
    signingAlgorithm: algorithms[options.issuer?.kind ?? options.kind].sign,
    extensions,
  };
  const cert = options.issuer
    ? await x509.X509CertificateGenerator.create({
        ...common,
        subject: options.subject,
        issuer: options.issuer.cert.subject,
        publicKey: keys.publicKey,
        signingKey: options.issuer.keys.privateKey,
      })
    : await x509.X509CertificateGenerator.createSelfSigned({ ...common, keys });
  return { cert, keys, kind: options.kind };
}

const root = await issue({ subject: 'C=US, O=mtls-pop Dev, CN=mtls-pop Dev Root CA', kind: 'ec-p256', ca: true });
const intermediate = await issue({ subject: 'C=US, O=mtls-pop Dev, CN=mtls-pop Dev Intermediate CA', kind: 'ec-p256', ca: true, pathLength: 0, issuer: root });
const unrelatedRoot = await issue({ subject: 'C=US, O=Unrelated, CN=Unrelated Root CA', kind: 'ec-p256', ca: true });

await write('root-ca', root);
await write('intermediate-ca', intermediate);
await write('unrelated-ca', unrelatedRoot);
writeFileSync(join(out, 'ca-bundle.pem'), root.cert.toString('pem') + '\n' + intermediate.cert.toString('pem') + '\n');

const server = await issue({
  subject: 'CN=localhost',
  kind: 'ec-p256',
  issuer: intermediate,
  usage: 'server',
  san: [
    { type: 'dns', value: 'localhost' },
    { type: 'dns', value: 'as.localhost' },
    { type: 'dns', value: 'mtls.as.localhost' },
    { type: 'dns', value: 'api.localhost' },
    { type: 'ip', value: '127.0.0.1' },
    { type: 'ip', value: '::1' },
  ],
});
await write('server', server);

const clients: Record<string, Issued> = {
  'client-ec': await issue({
    subject: 'C=US, O=Example Corp, OU=Payments, CN=client-ec',
    kind: 'ec-p256',
    issuer: intermediate,
    san: [
      { type: 'dns', value: 'client-ec.example.com' },
      { type: 'url', value: 'spiffe://example.com/payments/client-ec' },
      { type: 'ip', value: '192.0.2.10' },
      { type: 'email', value: 'client-ec@example.com' },
    ],
  }),
  'client-ec-p384': await issue({ subject: 'C=US, O=Example Corp, CN=client-ec-p384', kind: 'ec-p384', issuer: intermediate, san: [{ type: 'dns', value: 'client-p384.example.com' }] }),
  'client-rsa': await issue({ subject: 'C=US, O=Example Corp, CN=client-rsa', kind: 'rsa-2048', issuer: intermediate, san: [{ type: 'dns', value: 'client-rsa.example.com' }, { type: 'ip', value: '2001:db8::10' }] }),
  'client-ed25519': await issue({ subject: 'C=US, O=Example Corp, CN=client-ed25519', kind: 'ed25519', issuer: intermediate, san: [{ type: 'email', value: 'ed25519@example.com' }] }),
  'client-expired': await issue({ subject: 'C=US, O=Example Corp, CN=client-expired', kind: 'ec-p256', issuer: intermediate, notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2021-01-01T00:00:00Z') }),
  'client-not-yet-valid': await issue({ subject: 'C=US, O=Example Corp, CN=client-not-yet-valid', kind: 'ec-p256', issuer: intermediate, notBefore: new Date('2090-01-01T00:00:00Z'), notAfter: new Date('2095-01-01T00:00:00Z') }),
  'client-self-signed': await issue({ subject: 'C=US, O=Self Signed, CN=client-self-signed', kind: 'ec-p256', san: [{ type: 'dns', value: 'self-signed.example.com' }] }),
  'client-unrelated': await issue({ subject: 'C=US, O=Unrelated, CN=client-unrelated', kind: 'ec-p256', issuer: unrelatedRoot, san: [{ type: 'dns', value: 'client-ec.example.com' }] }),
};
for (const [name, issued] of Object.entries(clients)) {
  await write(name, issued);
  if (issued.cert.issuer === intermediate.cert.subject) {
    // Leaf followed by its intermediate, as a client presents its chain.
    writeFileSync(join(out, `${name}-chain.pem`), issued.cert.toString('pem') + '\n' + intermediate.cert.toString('pem') + '\n');
  }
}
console.log(`fixtures written to ${out}`);
