import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CertificateChainError, ChainValidator, type ChainErrorCode } from '../../src/certificate/chain.js';
import { ClientCertificate } from '../../src/certificate/model.js';
import { pemToDerList } from '../../src/certificate/pem.js';
import { opensslThumbprint, pkiPath, readPki } from '../helpers/fixtures.js';

/** A certificate with the chain that follows it in a PEM file (the `-chain.pem` fixtures). */
const fromPem = (pem: string) => {
  const [leaf, ...chain] = pemToDerList(pem);
  return ClientCertificate.fromDer(leaf!, chain);
};
const fixture = (name: string) => fromPem(readPki(`${name}.pem`));
const root = readPki('root-ca.pem');
const intermediate = readPki('intermediate-ca.pem');

function codeOf(run: () => unknown): ChainErrorCode | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof CertificateChainError) return error.code;
    throw error;
  }
  return undefined;
}

describe('new ChainValidator(options)', () => {
  it.each([
    ['no anchors', { trustAnchors: [] }],
    ['an unknown key', { trustAnchors: root, trustAnchor: root }],
    ['garbage PEM', { trustAnchors: 'not a certificate' }],
    ['a tiny maxChainLength', { trustAnchors: root, maxChainLength: 1 }],
  ])('throws a TypeError for %s', (_name, options) => {
    expect(() => new ChainValidator(options as never)).toThrow(TypeError);
  });
});

describe('ChainValidator#validate(certificate, now)', () => {
  const validator = new ChainValidator({ trustAnchors: root });

  it.each(['client-ec', 'client-rsa', 'client-ed25519', 'client-ec-p384'])('accepts %s via the intermediate it sends', (name) => {
    const result = validator.validate(fixture(`${name}-chain`));
    expect(result.path.map((link) => link.thumbprint)).toEqual([
      opensslThumbprint(pkiPath(`${name}.pem`)), opensslThumbprint(pkiPath('intermediate-ca.pem')), opensslThumbprint(pkiPath('root-ca.pem')),
    ]);
    expect(result.anchor.subject).toBe('CN=mtls-pop Dev Root CA,O=mtls-pop Dev,C=US');
  });

  it('refuses a leaf without its intermediate when none is configured', () => {
    expect(codeOf(() => validator.validate(fixture('client-ec')))).toBe('ERR_CHAIN_UNTRUSTED');
  });

  it('accepts a leaf without its intermediate when the intermediate is configured', () => {
    const withIntermediates = new ChainValidator({ trustAnchors: root, intermediates: intermediate });
    expect(withIntermediates.validate(fixture('client-ec')).path).toHaveLength(3);
  });

  it('accepts an intermediate configured as the trust anchor itself', () => {
    expect(new ChainValidator({ trustAnchors: intermediate }).validate(fixture('client-ec')).path).toHaveLength(2);
  });

  it.each([
    ['an expired leaf', 'client-expired-chain', undefined, 'ERR_CHAIN_EXPIRED'],
    ['a leaf not yet valid', 'client-not-yet-valid-chain', undefined, 'ERR_CHAIN_NOT_YET_VALID'],
    ['a certificate of an unrelated CA', 'client-unrelated', undefined, 'ERR_CHAIN_UNTRUSTED'],
    ['a self-signed certificate', 'client-self-signed', undefined, 'ERR_CHAIN_SELF_SIGNED'],
    // An expired or not-yet-valid CA under a valid leaf: test/certificate/path-rules.test.ts.
  ] as const)('refuses %s', (_name, file, now, code) => {
    expect(codeOf(() => validator.validate(fixture(file), now))).toBe(code);
  });

  it('refuses a certificate of an unrelated CA even when that CA rides along in the chain', () => {
    const forged = ClientCertificate.fromDer(pemToDerList(readPki('client-unrelated.pem'))[0]!, pemToDerList(readPki('unrelated-ca.pem')));
    expect(codeOf(() => validator.validate(forged))).toBe('ERR_CHAIN_UNTRUSTED');
  });

  it('re-checks validity periods on a cached path', () => {
    const certificate = fixture('client-ec-chain');
    validator.validate(certificate);
    expect(codeOf(() => validator.validate(certificate, new Date('2047-01-01T00:00:00Z')))).toBe('ERR_CHAIN_EXPIRED');
  });

  it('caps the forwarded chain length before any signature work', () => {
    const links = pemToDerList(readPki('client-ec-chain.pem'));
    const long = ClientCertificate.fromDer(links[0]!, Array.from({ length: 5 }, () => links[1]!));
    expect(codeOf(() => validator.validate(long))).toBe('ERR_CHAIN_TOO_LONG');
  });
});

describe('ChainValidator with certificates openssl issues for the test', () => {
  let directory: string;
  const pem = (name: string) => readFileSync(join(directory, `${name}.pem`), 'utf8');
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: directory, stdio: ['ignore', 'pipe', 'pipe'] });
  /** Issues `name` from `issuer` (a fixture path prefix or a name in the directory) with the given extensions. */
  function issue(name: string, issuer: { cert: string; key: string }, extensions: string): void {
    openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`);
    openssl('req', '-new', '-key', `${name}.key`, '-subj', `/CN=${name}`, '-out', `${name}.csr`);
    writeFileSync(join(directory, `${name}.cnf`), `[v3]\n${extensions}\n`);
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', issuer.cert, '-CAkey', issuer.key, '-set_serial', String(Date.now() % 1e9),
      '-days', '30', '-extfile', `${name}.cnf`, '-extensions', 'v3', '-out', `${name}.pem`);
  }
  const local = (name: string) => ({ cert: `${name}.pem`, key: `${name}.key` });
  const leafExtensions = 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth';

  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'mtls-pop-chain-'));
    const fixtureIntermediate = { cert: pkiPath('intermediate-ca.pem'), key: pkiPath('intermediate-ca.key') };
    const fixtureRoot = { cert: pkiPath('root-ca.pem'), key: pkiPath('root-ca.key') };
    issue('sub-ca', fixtureIntermediate, 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign');
    issue('under-sub-ca', local('sub-ca'), leafExtensions);
    issue('no-sign-ca', fixtureRoot, 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,digitalSignature');
    issue('under-no-sign-ca', local('no-sign-ca'), leafExtensions);
    issue('not-a-ca', fixtureIntermediate, leafExtensions);
    issue('under-not-a-ca', local('not-a-ca'), leafExtensions);
    issue('server-only', fixtureIntermediate, 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth');
    issue('encipher-only', fixtureIntermediate, 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,keyEncipherment\nextendedKeyUsage=clientAuth');
    issue('unknown-critical', fixtureIntermediate, `${leafExtensions}\n1.2.3.4.5=critical,ASN1:NULL`);
    issue('no-extensions-leaf', fixtureIntermediate, 'subjectKeyIdentifier=hash');
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  const validator = () => new ChainValidator({ trustAnchors: root, intermediates: intermediate });
  const chainOf = (...names: string[]) => fromPem(names.map(pem).join(''));

  it.each([
    ['a CA below a pathlen:0 intermediate', ['under-sub-ca', 'sub-ca'], 'ERR_CHAIN_PATH_LENGTH'],
    ['an issuer without keyCertSign', ['under-no-sign-ca', 'no-sign-ca'], 'ERR_CHAIN_KEY_USAGE'],
    ['an issuer that is not a CA', ['under-not-a-ca', 'not-a-ca'], 'ERR_CHAIN_NOT_CA'],
    ['a leaf for serverAuth only', ['server-only'], 'ERR_CHAIN_EXTENDED_KEY_USAGE'],
    ['a leaf without digitalSignature', ['encipher-only'], 'ERR_CHAIN_KEY_USAGE'],
    ['an unprocessed critical extension', ['unknown-critical'], 'ERR_CHAIN_CRITICAL_EXTENSION'],
  ] as const)('refuses %s', (_name, names, code) => {
    expect(codeOf(() => validator().validate(chainOf(...names)))).toBe(code);
  });

  it('accepts a leaf without keyUsage or extKeyUsage (every use allowed)', () => {
    expect(validator().validate(chainOf('no-extensions-leaf')).path).toHaveLength(3);
  });
});

describe('the path validation guide (docs/authorization-server.md)', () => {
  it('documents every ChainErrorCode', () => {
    const codes = [...readFileSync(join(import.meta.dirname, '..', '..', 'src', 'certificate', 'chain-errors.ts'), 'utf8').matchAll(/\| '(ERR_[A-Z_]+)'/g)].map((match) => match[1]!);
    const guide = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'authorization-server.md'), 'utf8');
    expect(codes.length).toBeGreaterThan(10);
    expect(codes.filter((code) => !guide.includes(`\`${code}\``))).toEqual([]);
  });
});
