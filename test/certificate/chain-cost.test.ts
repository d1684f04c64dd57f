/**
 * Bounded cost under hostile chains: candidates with absurd keys are refused before any
 * signature work, refusals are remembered per chain, and each step of the path spends at most
 * MAX_SIGNATURE_CHECKS_PER_STEP signature checks. Counted with a spy on node:crypto's verify, not timed.
 */
import { X509Certificate, type KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { CertificateChainError, ChainValidator, type ChainErrorCode } from '../../src/certificate/chain.js';
import { ClientCertificate } from '../../src/certificate/model.js';
import { MAX_SIGNATURE_CHECKS_PER_STEP } from '../../src/certificate/path-builder.js';
import { pemToDerList } from '../../src/certificate/pem.js';
import { OpensslCa, openssl } from '../helpers/openssl-ca.js';
import { pkiPath, readPki } from '../helpers/fixtures.js';
import { hostileRsaPublicKeyPem } from '../helpers/hostile-keys.js';

const INTERMEDIATE_SUBJECT = '/C=US/O=mtls-pop Dev/CN=mtls-pop Dev Intermediate CA';
let ca: OpensslCa;
let skid: string;
const leafDer = () => pemToDerList(readPki('client-ec.pem'))[0]!;
const intermediateDer = () => pemToDerList(readPki('intermediate-ca.pem'))[0]!;

/** A CA certificate with the fixture intermediate's subject and key identifier but the given public key. */
function lookalike(name: string, publicKeyPem?: string, keyIdentifier: 'same' | 'own' = 'same'): Buffer {
  const key = ca.key(name);
  openssl(ca.directory, ['req', '-new', '-config', 'ca.cnf', '-key', key, '-subj', INTERMEDIATE_SUBJECT, '-out', `${name}.csr`]);
  writeFileSync(ca.path(`${name}.ext`), `[v3]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\nsubjectKeyIdentifier=${keyIdentifier === 'same' ? skid : 'hash'}\nauthorityKeyIdentifier=keyid\n`);
  if (publicKeyPem) writeFileSync(ca.path(`${name}.pub`), publicKeyPem);
  openssl(ca.directory, ['x509', '-req', '-in', `${name}.csr`, '-CA', pkiPath('root-ca.pem'), '-CAkey', pkiPath('root-ca.key'), '-days', '30',
    '-extfile', `${name}.ext`, '-extensions', 'v3', '-out', `${name}.pem`, ...(publicKeyPem ? ['-force_pubkey', `${name}.pub`] : [])]);
  return pemToDerList(ca.read(`${name}.pem`))[0]!;
}

function refusal(run: () => unknown): CertificateChainError {
  try {
    run();
  } catch (error) {
    if (error instanceof CertificateChainError) return error;
    throw error;
  }
  throw new Error('accepted');
}

function codeOf(run: () => unknown): ChainErrorCode | 'accepted' {
  try {
    run();
    return 'accepted';
  } catch (error) {
    if (error instanceof CertificateChainError) return error.code;
    throw error;
  }
}

let hostile: Buffer[];
let forged: Buffer[];
beforeAll(() => {
  ca = new OpensslCa();
  skid = openssl(ca.directory, ['x509', '-in', pkiPath('intermediate-ca.pem'), '-noout', '-ext', 'subjectKeyIdentifier']).split('\n')[1]!.trim();
  hostile = [
    lookalike('rsa-16384-huge-exponent', hostileRsaPublicKeyPem(16384, Buffer.alloc(8, 0xff))),
    lookalike('rsa-8192-even-exponent', hostileRsaPublicKeyPem(8192, Buffer.from([0x01, 0x00, 0x00]))),
    lookalike('rsa-1024', hostileRsaPublicKeyPem(1024, Buffer.from([0x01, 0x00, 0x01]))),
  ];
  forged = Array.from({ length: 7 }, (_, index) => lookalike(`forged-${index}`));
});
afterAll(() => ca.remove());
afterEach(() => {
  jest.restoreAllMocks();
});

const verifyCalls = () => jest.spyOn(X509Certificate.prototype, 'verify');
const modulusBits = (key: unknown) => (key as KeyObject).asymmetricKeyDetails?.modulusLength ?? 0;

describe('ChainValidator under hostile chains', () => {
  it('never checks a signature with a key outside the bounds, and still finds the real issuer', () => {
    const spy = verifyCalls();
    const validator = new ChainValidator({ trustAnchors: readPki('root-ca.pem') });
    const result = validator.validate(ClientCertificate.fromDer(leafDer(), [...hostile, intermediateDer()]));
    expect(result.path).toHaveLength(3);
    expect(spy.mock.calls.map(([key]) => modulusBits(key)).filter((bits) => bits > 8192 || (bits > 0 && bits < 2048))).toEqual([]);
    expect(spy.mock.calls.length).toBeLessThanOrEqual(2);
  });

  it('names the reason when the only candidates have such keys', () => {
    const validator = new ChainValidator({ trustAnchors: readPki('root-ca.pem') });
    expect(codeOf(() => validator.validate(ClientCertificate.fromDer(leafDer(), hostile)))).toBe('ERR_CHAIN_KEY_UNSUPPORTED');
  });

  it('answers a refused chain again from its cache, without a signature check', () => {
    const validator = new ChainValidator({ trustAnchors: readPki('root-ca.pem') });
    const chain = [...hostile.slice(0, 2), ...forged.slice(0, 2)];
    expect(codeOf(() => validator.validate(ClientCertificate.fromDer(leafDer(), chain)))).toBe('ERR_CHAIN_KEY_UNSUPPORTED');
    const spy = verifyCalls();
    expect(codeOf(() => validator.validate(ClientCertificate.fromDer(leafDer(), chain)))).toBe('ERR_CHAIN_KEY_UNSUPPORTED');
    expect(spy).not.toHaveBeenCalled();
  });

  it('answers the very same refusal for the same chain (the refusal is cached, not recomputed)', () => {
    const validator = new ChainValidator({ trustAnchors: readPki('root-ca.pem') });
    const first = refusal(() => validator.validate(ClientCertificate.fromDer(leafDer(), forged.slice(0, 3))));
    expect(first.code).toBe('ERR_CHAIN_UNTRUSTED');
    expect(refusal(() => validator.validate(ClientCertificate.fromDer(leafDer(), forged.slice(0, 3))))).toBe(first);
  });

  it('spends no signature check on a same-name candidate whose key identifier differs from the leaf\'s authorityKeyIdentifier', () => {
    const strangers = [0, 1, 2].map((index) => lookalike(`stranger-${index}`, undefined, 'own'));
    const spy = verifyCalls();
    const validator = new ChainValidator({ trustAnchors: readPki('root-ca.pem') });
    expect(codeOf(() => validator.validate(ClientCertificate.fromDer(leafDer(), [...strangers, intermediateDer()])))).toBe('accepted');
    expect(spy.mock.calls.length).toBe(2);
  });

  it(`spends at most ${MAX_SIGNATURE_CHECKS_PER_STEP} signature checks on one step`, () => {
    const spy = verifyCalls();
    const validator = new ChainValidator({ trustAnchors: readPki('root-ca.pem'), intermediates: forged.slice(4).map((der) => der.toString('base64')).map((b64) => `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`) });
    expect(codeOf(() => validator.validate(ClientCertificate.fromDer(leafDer(), forged.slice(0, 4))))).toBe('ERR_CHAIN_UNTRUSTED');
    expect(spy.mock.calls.length).toBeLessThanOrEqual(MAX_SIGNATURE_CHECKS_PER_STEP);
  });
});
