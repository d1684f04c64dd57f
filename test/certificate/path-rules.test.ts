/**
 * RFC 5280 section 6 rules that an attacker leans on, each with certificates openssl issues for
 * the test: name constraints, CA purposes, issuer names that only Unicode folding would link, a
 * forged issuer (right name, other key), and the validity and critical extensions of intermediates.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CertificateChainError, ChainValidator, type ChainErrorCode } from '../../src/certificate/chain.js';
import { parseDistinguishedName } from '../../src/certificate/distinguished-name.js';
import { ClientCertificate } from '../../src/certificate/model.js';
import { pemToDerList } from '../../src/certificate/pem.js';
import { certificateSubjectMatches } from '../../src/certificate/subject-match.js';
import { CA_EXTENSIONS, CLIENT_EXTENSIONS, OpensslCa, openssl, type Issued } from '../helpers/openssl-ca.js';
import { pkiPath, readPki } from '../helpers/fixtures.js';

const DAY = 86_400_000;
let ca: OpensslCa;
let root: Issued;
const fixtureIntermediate: Issued = { cert: pkiPath('intermediate-ca.pem'), key: pkiPath('intermediate-ca.key') };
const fixtureRoot: Issued = { cert: pkiPath('root-ca.pem'), key: pkiPath('root-ca.key') };

const chainOf = (...files: string[]) => {
  const [leaf, ...chain] = files.flatMap((file) => pemToDerList(ca.read(file)));
  return ClientCertificate.fromDer(leaf!, chain);
};
function codeOf(run: () => unknown): ChainErrorCode | 'accepted' {
  try {
    run();
    return 'accepted';
  } catch (error) {
    if (error instanceof CertificateChainError) return error.code;
    throw error;
  }
}
/** What `openssl verify -x509_strict -purpose sslclient` says: the oracle beside each expectation. */
function opensslAccepts(anchor: string, leaf: string, untrusted: string[] = [], attime?: Date): boolean {
  try {
    openssl(ca.directory, ['verify', '-x509_strict', '-purpose', 'sslclient', '-CAfile', anchor, ...untrusted.flatMap((file) => ['-untrusted', file]),
      ...(attime ? ['-attime', String(Math.floor(attime.getTime() / 1000))] : []), leaf]);
    return true;
  } catch {
    return false;
  }
}

beforeAll(() => {
  ca = new OpensslCa();
  root = ca.issue({ name: 'root', extensions: CA_EXTENSIONS, days: 365 });
});
afterAll(() => ca.remove());

describe('name constraints on an intermediate (RFC 5280 section 4.2.1.10)', () => {
  const constrained = (name: string, critical: boolean) => ca.issue({
    name, key: 'partner-ca', issuer: root, subject: `/CN=${name}`,
    extensions: `${CA_EXTENSIONS}\nnameConstraints=${critical ? 'critical,' : ''}permitted;DNS:partner.example`,
  });
  const leaf = (name: string, issuer: Issued, dns: string) => ca.issue({ name, key: 'leaf', issuer, extensions: `${CLIENT_EXTENSIONS}\nsubjectAltName=DNS:${dns}` });

  it.each([
    ['non-critical', false, 'alice.example.com', 'ERR_CHAIN_NAME_CONSTRAINTS'],
    ['critical', true, 'alice.example.com', 'ERR_CHAIN_NAME_CONSTRAINTS'],
    ['non-critical', false, 'bob.partner.example', 'accepted'],
    ['critical', true, 'bob.partner.example', 'accepted'],
  ] as const)('under a %s (%s) permitted DNS:partner.example, a leaf for %s: %s, as OpenSSL decides', (kind, critical, dns, code) => {
    const intermediate = constrained(`partner-${kind}`, critical);
    const client = leaf(`leaf-${kind}-${dns}`, intermediate, dns);
    expect(codeOf(() => new ChainValidator({ trustAnchors: ca.read(root.cert) }).validate(chainOf(client.cert, intermediate.cert)))).toBe(code);
    expect(opensslAccepts(root.cert, client.cert, [intermediate.cert])).toBe(code === 'accepted');
  });
});

describe('extended key usage on an intermediate (openssl verify -purpose sslclient)', () => {
  it('refuses a leaf without EKU under a CA whose EKU is serverAuth only', () => {
    const intermediate = ca.issue({ name: 'server-only-ca', key: 'server-ca', issuer: root, extensions: `${CA_EXTENSIONS}\nextendedKeyUsage=serverAuth` });
    const client = ca.issue({ name: 'leaf-no-eku', key: 'leaf', issuer: intermediate, extensions: 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid' });
    expect(codeOf(() => new ChainValidator({ trustAnchors: ca.read(root.cert) }).validate(chainOf(client.cert, intermediate.cert)))).toBe('ERR_CHAIN_EXTENDED_KEY_USAGE');
    expect(opensslAccepts(root.cert, client.cert, [intermediate.cert])).toBe(false);
  });
});

describe('issuer names that only Unicode folding would link (RFC 4518 without NFKC)', () => {
  it.each([
    ['full-width letters', '/CN=ａｌｉｃｅ CA'],
    ['circled letters', '/CN=ⓐⓛⓘⓒⓔ CA'],
  ])('does not link a leaf whose issuer is written in %s to the anchor "CN=alice CA" with the same key', (_name, lookalike) => {
    const anchor = ca.issue({ name: 'alice-ca', key: 'alice-ca', subject: '/CN=alice CA', extensions: CA_EXTENSIONS, days: 365 });
    const impostor = ca.issue({ name: `impostor-${lookalike.length}`, key: 'alice-ca', subject: lookalike, extensions: CA_EXTENSIONS, days: 365 });
    const client = ca.issue({ name: `leaf-of-${impostor.cert}`, key: 'leaf', issuer: impostor, extensions: CLIENT_EXTENSIONS });
    expect(codeOf(() => new ChainValidator({ trustAnchors: ca.read(anchor.cert) }).validate(chainOf(client.cert)))).toBe('ERR_CHAIN_UNTRUSTED');
    expect(opensslAccepts(anchor.cert, client.cert)).toBe(false);
  });

  it.each([
    ['circled letters', '/CN=ⓐⓛⓘⓒⓔ'],
    ['full-width letters', '/CN=ＡＬＩＣＥ'],
    ['the Kelvin sign for K', '/CN=alic\u212A'],
  ])('a certificate whose CN is in %s does not match a registration for CN=alice (or CN=alick)', (_name, subject) => {
    const client = ca.issue({ name: `lookalike-${subject.length}-${subject.codePointAt(4)}`, key: 'leaf', subject, issuer: root, extensions: CLIENT_EXTENSIONS });
    const certificate = chainOf(client.cert);
    for (const registered of ['CN=alice', 'CN=alick', 'CN=ALICE']) {
      expect(certificateSubjectMatches(certificate, { kind: 'subject_dn', value: parseDistinguishedName(registered) })).toBe(false);
    }
    expect(certificateSubjectMatches(certificate, { kind: 'subject_dn', value: parseDistinguishedName(subject.slice(1)) })).toBe(true);
  });
});

describe('an issuer with the right name but another key', () => {
  it('is refused: the signature decides, not the name or the key identifier', () => {
    // Same subject and subjectKeyIdentifier as the fixture intermediate, another key.
    const skid = openssl(ca.directory, ['x509', '-in', fixtureIntermediate.cert, '-noout', '-ext', 'subjectKeyIdentifier']).split('\n')[1]!.trim();
    const forged = ca.issue({
      name: 'forged-intermediate', key: 'forger', subject: '/C=US/O=mtls-pop Dev/CN=mtls-pop Dev Intermediate CA',
      extensions: `basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\nsubjectKeyIdentifier=${skid}`, days: 365,
    });
    const client = ca.issue({ name: 'leaf-of-forger', key: 'leaf', issuer: forged, extensions: CLIENT_EXTENSIONS });
    const validator = new ChainValidator({ trustAnchors: readPki('root-ca.pem'), intermediates: readPki('intermediate-ca.pem') });
    expect(codeOf(() => validator.validate(chainOf(client.cert)))).toBe('ERR_CHAIN_UNTRUSTED');
    expect(opensslAccepts(fixtureRoot.cert, client.cert, [fixtureIntermediate.cert])).toBe(false);
  });
});

describe('validity of every link, the CA isolated from the leaf', () => {
  // The leaf is valid for the whole window below; only the CA's own period decides.
  const at = new Date('2030-06-15T00:00:00Z');
  const window = { start: '20300101000000Z', end: '20301231000000Z' };

  it.each([
    ['an intermediate that expired', { start: '20290101000000Z', end: '20300601000000Z' }, 'ERR_CHAIN_EXPIRED'],
    ['an intermediate not yet valid', { start: '20300701000000Z', end: '20311231000000Z' }, 'ERR_CHAIN_NOT_YET_VALID'],
    ['an intermediate valid at that time', { start: '20290101000000Z', end: '20311231000000Z' }, 'accepted'],
  ] as const)('%s under a valid root, with a valid leaf', (_name, period, code) => {
    const longRoot = ca.issue({ name: `root-for-${period.start}`, key: 'long-root', extensions: CA_EXTENSIONS, start: '20250101000000Z', end: '20400101000000Z' });
    const intermediate = ca.issue({ name: `intermediate-${period.start}`, key: 'dated-ca', issuer: longRoot, extensions: CA_EXTENSIONS, ...period });
    const client = ca.issue({ name: `leaf-${period.start}`, key: 'leaf', issuer: intermediate, extensions: CLIENT_EXTENSIONS, ...window });
    const validator = new ChainValidator({ trustAnchors: ca.read(longRoot.cert) });
    expect(codeOf(() => validator.validate(chainOf(client.cert, intermediate.cert), at))).toBe(code);
    expect(opensslAccepts(longRoot.cert, client.cert, [intermediate.cert], at)).toBe(code === 'accepted');
  });

  it('refuses an expired trust anchor with a valid intermediate and leaf', () => {
    const shortRoot = ca.issue({ name: 'short-root', key: 'short-root', extensions: CA_EXTENSIONS, start: '20250101000000Z', end: '20300601000000Z' });
    const intermediate = ca.issue({ name: 'under-short-root', key: 'dated-ca', issuer: shortRoot, extensions: CA_EXTENSIONS, start: '20290101000000Z', end: '20311231000000Z' });
    const client = ca.issue({ name: 'leaf-short-root', key: 'leaf', issuer: intermediate, extensions: CLIENT_EXTENSIONS, ...window });
    expect(codeOf(() => new ChainValidator({ trustAnchors: ca.read(shortRoot.cert) }).validate(chainOf(client.cert, intermediate.cert), at))).toBe('ERR_CHAIN_EXPIRED');
    expect(opensslAccepts(shortRoot.cert, client.cert, [intermediate.cert], at)).toBe(false);
  });
});

describe('unknown critical extensions on every certificate of the path (RFC 5280 section 4.2)', () => {
  it.each([
    ['the intermediate', true, false],
    ['the leaf', false, true],
    ['neither', false, false],
  ])('on %s', (_where, onIntermediate, onLeaf) => {
    const unknown = '\n1.3.6.1.4.1.55555.1=critical,ASN1:NULL';
    const intermediate = ca.issue({ name: `critical-ca-${onIntermediate}-${onLeaf}`, key: 'critical-ca', issuer: root, extensions: CA_EXTENSIONS + (onIntermediate ? unknown : '') });
    const client = ca.issue({ name: `critical-leaf-${onIntermediate}-${onLeaf}`, key: 'leaf', issuer: intermediate, extensions: CLIENT_EXTENSIONS + (onLeaf ? unknown : '') });
    const code = onIntermediate || onLeaf ? 'ERR_CHAIN_CRITICAL_EXTENSION' : 'accepted';
    expect(codeOf(() => new ChainValidator({ trustAnchors: ca.read(root.cert) }).validate(chainOf(client.cert, intermediate.cert)))).toBe(code);
    expect(opensslAccepts(root.cert, client.cert, [intermediate.cert])).toBe(code === 'accepted');
  });
});

describe('a cached path', () => {
  it('is re-checked for the validity of its intermediate on every hit', () => {
    const intermediate = ca.issue({ name: 'short-ca', key: 'short-ca', issuer: root, extensions: CA_EXTENSIONS, days: 2 });
    const client = ca.issue({ name: 'leaf-short-ca', key: 'leaf', issuer: intermediate, extensions: CLIENT_EXTENSIONS, days: 20 });
    const validator = new ChainValidator({ trustAnchors: ca.read(root.cert) });
    const certificate = chainOf(client.cert, intermediate.cert);
    expect(codeOf(() => validator.validate(certificate))).toBe('accepted');
    expect(codeOf(() => validator.validate(certificate, new Date(Date.now() + 5 * DAY)))).toBe('ERR_CHAIN_EXPIRED');
    expect(codeOf(() => validator.validate(certificate))).toBe('accepted');
  });
});
