/**
 * Regenerates the development PKI under fixtures/pki (npm run fixtures), or under `--out DIR`.
 * Root CA -> intermediate CA -> client and server certificates, plus the odd ones tests need
 * (expired, not yet valid, self-signed, from an unrelated CA). Private keys here are test-only.
 * Note: fixtures/headers/real/ holds values captured from real nginx and Apache for these exact
 * certificates; after regenerating, capture them again (scripts/capture-samples.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { issueCertificate, type IssuedCertificate, type IssueOptions } from '../src/pki/index.js';

const at = process.argv.indexOf('--out');
const out = at > 0 ? resolve(process.argv[at + 1]!) : join(import.meta.dirname, '..', 'fixtures', 'pki');
mkdirSync(out, { recursive: true });

const authority = (issued: IssuedCertificate) => ({ certificate: issued.certificate, privateKey: issued.privateKey, keyType: issued.keyType });
const write = (name: string, issued: IssuedCertificate): void => {
  writeFileSync(join(out, `${name}.pem`), issued.certificatePem);
  writeFileSync(join(out, `${name}.key`), issued.privateKeyPem);
};
const YEARS_20 = 20 * 365;

const root = await issueCertificate({ subject: 'C=US, O=mtls-pop Dev, CN=mtls-pop Dev Root CA', profile: 'ca', pathLength: null, days: YEARS_20 });
const intermediate = await issueCertificate({ subject: 'C=US, O=mtls-pop Dev, CN=mtls-pop Dev Intermediate CA', profile: 'ca', pathLength: 0, issuer: authority(root), days: YEARS_20 });
const unrelatedRoot = await issueCertificate({ subject: 'C=US, O=Unrelated, CN=Unrelated Root CA', profile: 'ca', pathLength: null, days: YEARS_20 });
write('root-ca', root);
write('intermediate-ca', intermediate);
write('unrelated-ca', unrelatedRoot);
writeFileSync(join(out, 'ca-bundle.pem'), root.certificatePem + intermediate.certificatePem);

write('server', await issueCertificate({
  subject: 'CN=localhost',
  profile: 'server',
  issuer: authority(intermediate),
  days: YEARS_20,
  san: { dns: ['localhost', 'as.localhost', 'mtls.as.localhost', 'api.localhost'], ip: ['127.0.0.1', '::1'] },
}));

const fromIntermediate = { profile: 'client', issuer: authority(intermediate), days: YEARS_20 } as const;
const clients: Record<string, IssueOptions> = {
  'client-ec': {
    ...fromIntermediate,
    subject: 'C=US, O=Example Corp, OU=Payments, CN=client-ec',
    san: { dns: ['client-ec.example.com'], uri: ['spiffe://example.com/payments/client-ec'], ip: ['192.0.2.10'], email: ['client-ec@example.com'] },
  },
  'client-ec-p384': { ...fromIntermediate, subject: 'C=US, O=Example Corp, CN=client-ec-p384', keyType: 'ec-p384', san: { dns: ['client-p384.example.com'] } },
  'client-rsa': { ...fromIntermediate, subject: 'C=US, O=Example Corp, CN=client-rsa', keyType: 'rsa-2048', san: { dns: ['client-rsa.example.com'], ip: ['2001:db8::10'] } },
  'client-ed25519': { ...fromIntermediate, subject: 'C=US, O=Example Corp, CN=client-ed25519', keyType: 'ed25519', san: { email: ['ed25519@example.com'] } },
  'client-expired': { ...fromIntermediate, subject: 'C=US, O=Example Corp, CN=client-expired', validity: { notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2021-01-01T00:00:00Z') } },
  'client-not-yet-valid': { ...fromIntermediate, subject: 'C=US, O=Example Corp, CN=client-not-yet-valid', validity: { notBefore: new Date('2090-01-01T00:00:00Z'), notAfter: new Date('2095-01-01T00:00:00Z') } },
  'client-self-signed': { profile: 'client', days: YEARS_20, subject: 'C=US, O=Self Signed, CN=client-self-signed', san: { dns: ['self-signed.example.com'] } },
  'client-unrelated': { profile: 'client', days: YEARS_20, issuer: authority(unrelatedRoot), subject: 'C=US, O=Unrelated, CN=client-unrelated', san: { dns: ['client-ec.example.com'] } },
};
for (const [name, options] of Object.entries(clients)) {
  const issued = await issueCertificate(options);
  write(name, issued);
  // Leaf followed by its intermediate, as a client presents its chain.
  if (options.issuer === fromIntermediate.issuer) writeFileSync(join(out, `${name}-chain.pem`), issued.certificatePem + intermediate.certificatePem);
}
console.log(`fixtures written to ${out}`);
