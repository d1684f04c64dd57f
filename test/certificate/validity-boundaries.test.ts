/**
 * The validity period at its edges (RFC 5280 section 6.1.3 (a)(2): the current time is within
 * notBefore..notAfter of every certificate of the path): one second past the first notAfter of the
 * path, or before the last notBefore, is refused. A mutation run found a one-day grace unnoticed.
 */
import { describe, expect, it } from '@jest/globals';
import { ChainValidator } from '../../src/certificate/chain.js';
import { ClientCertificate } from '../../src/certificate/model.js';
import { pemToDerList } from '../../src/certificate/pem.js';
import { readPki } from '../helpers/fixtures.js';

const [leaf, ...chain] = pemToDerList(readPki('client-ec-chain.pem'));
const certificate = ClientCertificate.fromDer(leaf!, chain);
const path = [certificate, ...certificate.chain, ClientCertificate.fromDer(pemToDerList(readPki('root-ca.pem'))[0]!)];
const validator = new ChainValidator({ trustAnchors: readPki('root-ca.pem') });
const firstNotAfter = Math.min(...path.map((link) => link.notAfter.getTime()));
const lastNotBefore = Math.max(...path.map((link) => link.notBefore.getTime()));

describe('ChainValidator: the validity period at its edges', () => {
  it('accepts the path on the last second of its shortest validity and on the first of its latest start', () => {
    expect(() => validator.validate(certificate, new Date(firstNotAfter))).not.toThrow();
    expect(() => validator.validate(certificate, new Date(lastNotBefore))).not.toThrow();
  });

  it.each([
    ['one second after the first notAfter of the path', firstNotAfter + 1000, 'ERR_CHAIN_EXPIRED'],
    ['an hour after it', firstNotAfter + 3_600_000, 'ERR_CHAIN_EXPIRED'],
    ['one second before the last notBefore of the path', lastNotBefore - 1000, 'ERR_CHAIN_NOT_YET_VALID'],
  ])('refuses it %s', (_name, at, code) => {
    expect(() => validator.validate(certificate, new Date(at))).toThrow(expect.objectContaining({ code }));
  });
});
