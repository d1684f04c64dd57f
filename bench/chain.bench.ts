/**
 * Path validation cost (ChainValidator) and the pkijs comparison asked for in issue 12.
 * 1. Normal vs hostile chains, cold (no cache: every call builds and checks the path): the hostile
 *    chain carries three look-alike intermediates (same subject and key identifier as the real
 *    one) with RSA-16384 keys and the public exponent 2^64-1; the ratio should stay at most 5x.
 *    Beside it, one node:crypto signature check with such a key: what each candidate cost before.
 * 2. pkijs 4 CertificateChainValidationEngine on the differential corpus (openssl-issued chains):
 *    how often each validator agrees with `openssl verify -x509_strict -purpose sslclient`, and
 *    µs per validation of a plain three-certificate chain.
 */
import { X509Certificate, randomBytes, createPublicKey } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import * as pkijs from 'pkijs';
import { CertificateChainError, ChainValidator } from '../src/certificate/chain.js';
import { ClientCertificate } from '../src/certificate/model.js';
import { derToPem, pemToDerList } from '../src/certificate/pem.js';
import { OpensslCa, openssl } from '../test/helpers/openssl-ca.js';
import { hostileRsaPublicKeyPem, withSignature } from '../test/helpers/hostile-keys.js';
import { DifferentialRun, type IssuedCase } from '../test/certificate/differential/run.js';
import { measure, printTable } from './lib.js';

const ms = Number(process.env.BENCH_MS ?? 1000);
const fixture = (name: string) => pemToDerList(openssl(process.cwd(), ['x509', '-in', `fixtures/pki/${name}.pem`]))[0]!;
const leaf = fixture('client-ec');
const intermediate = fixture('intermediate-ca');
const rootPem = derToPem(fixture('root-ca'));

// Look-alikes of the fixture intermediate carrying hostile keys (openssl x509 -force_pubkey).
const ca = new OpensslCa();
const skid = openssl(ca.directory, ['x509', '-in', `${process.cwd()}/fixtures/pki/intermediate-ca.pem`, '-noout', '-ext', 'subjectKeyIdentifier']).split('\n')[1]!.trim();
// OpenSSL refuses RSA public exponents over 64 bits for moduli past 3072 bits; 2^64-1 is the costliest it takes.
const hostilePem = hostileRsaPublicKeyPem(16384, Buffer.alloc(8, 0xff));
const hostile = [0, 1, 2].map((index) => {
  const name = `hostile-${index}`;
  openssl(ca.directory, ['req', '-new', '-config', 'ca.cnf', '-key', ca.key(name), '-subj', '/C=US/O=mtls-pop Dev/CN=mtls-pop Dev Intermediate CA', '-out', `${name}.csr`]);
  writeFileSync(ca.path(`${name}.ext`), `[v3]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\nsubjectKeyIdentifier=${skid}\n`);
  writeFileSync(ca.path(`${name}.pub`), hostilePem);
  openssl(ca.directory, ['x509', '-req', '-in', `${name}.csr`, '-CA', `${process.cwd()}/fixtures/pki/root-ca.pem`, '-CAkey', `${process.cwd()}/fixtures/pki/root-ca.key`,
    '-days', '30', '-extfile', `${name}.ext`, '-extensions', 'v3', '-force_pubkey', `${name}.pub`, '-out', `${name}.pem`]);
  return pemToDerList(ca.read(`${name}.pem`))[0]!;
});
// A certificate signed with RSA: verifying it with a hostile RSA key runs the big modular exponentiation.
ca.key('rsa-ca-key', ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048']);
const rsaCa = ca.issue({ name: 'rsa-ca', key: 'rsa-ca-key', extensions: 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign', days: 30 });
const rsaSigned = ca.issue({ name: 'rsa-signed', key: 'rsa-signed-key', issuer: rsaCa, extensions: 'basicConstraints=critical,CA:FALSE', days: 30 });
// A signature below the modulus (first byte under its top bit), so that the exponentiation runs.
const forgedSignature = randomBytes(2048);
forgedSignature[0] = 0x01;
const rsaSignedX509 = new X509Certificate(withSignature(pemToDerList(ca.read(rsaSigned.cert))[0]!, forgedSignature));
ca.remove();

const cold = new ChainValidator({ trustAnchors: rootPem, cacheSize: 0 });
const warm = new ChainValidator({ trustAnchors: rootPem });
const refuse = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (!(error instanceof CertificateChainError)) throw error;
  }
};
const normalRow = await measure('normal: leaf + intermediate, cold', () => cold.validate(ClientCertificate.fromDer(leaf, [intermediate])), ms);
const hostileRow = await measure('hostile: leaf + 3 RSA-16384 look-alikes + intermediate, cold', () => cold.validate(ClientCertificate.fromDer(leaf, [...hostile, intermediate])), ms);
const rows = [
  normalRow,
  hostileRow,
  await measure('hostile, refused: leaf + 3 RSA-16384 look-alikes only, cold', () => refuse(() => cold.validate(ClientCertificate.fromDer(leaf, hostile))), ms),
  await measure('normal, cached path (same ClientCertificate)', (() => { const certificate = ClientCertificate.fromDer(leaf, [intermediate]); return () => warm.validate(certificate); })(), ms),
  await measure('hostile refusal, cached (same ClientCertificate)', (() => { const certificate = ClientCertificate.fromDer(leaf, hostile); return () => refuse(() => warm.validate(certificate)); })(), ms),
];
const hostileKey = createPublicKey(hostilePem);
rows.push(await measure('one check of a 16384-bit RSA signature with an RSA-16384 key, exponent 2^64-1 (what each look-alike could cost before)', () => rsaSignedX509.verify(hostileKey), Math.min(ms, 500)));
printTable('ChainValidator: normal vs hostile chains (shared machine: read the ratios)', rows);
console.log(`\nhostile/normal validation time: ${(hostileRow.microsPerOp / normalRow.microsPerOp).toFixed(2)}x (target: at most 5x)`);

// pkijs on the differential corpus.
const run = new DifferentialRun();
const corpus = run.issueAll();
run.remove();
pkijs.setEngine('node', new pkijs.CryptoEngine({ crypto: globalThis.crypto }));
const parse = (der: Buffer) => pkijs.Certificate.fromBER(new Uint8Array(der));
async function pkijsVerdict(chain: IssuedCase): Promise<boolean> {
  try {
    const engine = new pkijs.CertificateChainValidationEngine({ trustedCerts: [parse(chain.anchor)], certs: [...chain.sent.map(parse), ...chain.configured.map(parse), parse(chain.leaf)], checkDate: chain.at });
    return (await engine.verify()).result;
  } catch {
    return false;
  }
}
function ourVerdict(chain: IssuedCase): boolean {
  try {
    new ChainValidator({ trustAnchors: derToPem(chain.anchor), intermediates: chain.configured.map(derToPem), maxChainLength: 6 }).validate(ClientCertificate.fromDer(chain.leaf, chain.sent), chain.at);
    return true;
  } catch {
    return false;
  }
}
let pkijsAgree = 0;
let oursAgree = 0;
const pkijsAcceptsRefused: string[] = [];
const pkijsRefusesAccepted: string[] = [];
for (const chain of corpus) {
  const opensslAccepts = chain.openssl === 'OK';
  const pkijsAccepts = await pkijsVerdict(chain);
  if (pkijsAccepts === opensslAccepts) pkijsAgree++;
  else (pkijsAccepts ? pkijsAcceptsRefused : pkijsRefusesAccepted).push(chain.entry.name);
  if (ourVerdict(chain) === opensslAccepts) oursAgree++;
}
console.log(`\n## pkijs ${'4'} CertificateChainValidationEngine vs ChainValidator on the differential corpus (${corpus.length} chains)\n`);
console.log(`| validator | agrees with OpenSSL | accepts what OpenSSL refuses | refuses what OpenSSL accepts |`);
console.log('|---|---:|---:|---:|');
console.log(`| ChainValidator | ${oursAgree} | 0 | ${corpus.length - oursAgree} (deliberate, cited) |`);
console.log(`| pkijs | ${pkijsAgree} | ${pkijsAcceptsRefused.length} | ${pkijsRefusesAccepted.length} |`);
console.log(`\npkijs accepts what OpenSSL refuses: ${pkijsAcceptsRefused.join('; ') || 'none'}`);
console.log(`pkijs refuses what OpenSSL accepts: ${pkijsRefusesAccepted.join('; ') || 'none'}`);

const plain = corpus.find((chain) => chain.entry.name === 'root, intermediate, leaf')!;
const plainAnchor = parse(plain.anchor);
const coldPlain = new ChainValidator({ trustAnchors: derToPem(plain.anchor), cacheSize: 0 });
const timing = [
  await measure('ChainValidator, plain chain, cold (parse + build + check)', () => coldPlain.validate(ClientCertificate.fromDer(plain.leaf, plain.sent), plain.at), ms),
  await measure('pkijs engine, plain chain (parse + verify)', async () => {
    // pkijs takes the last certificate of `certs` as the one to validate.
    const result = await new pkijs.CertificateChainValidationEngine({ trustedCerts: [plainAnchor], certs: [...plain.sent.map(parse), parse(plain.leaf)], checkDate: plain.at }).verify();
    if (!result.result) throw new Error(`pkijs refused the plain chain: ${result.resultMessage}`);
  }, ms),
];
printTable('µs per validation of a plain root-intermediate-leaf chain (P-256)', timing);
