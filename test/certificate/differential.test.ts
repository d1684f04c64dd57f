/**
 * The path-validation differential (issue 12): every chain of the corpus is issued by openssl at
 * test time, judged by `openssl verify -x509_strict -purpose sslclient` and by ChainValidator, and
 * the two must agree, except where the corpus cites the rule that makes us deliberately stricter.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CertificateChainError, ChainValidator } from '../../src/certificate/chain.js';
import { derToPem } from '../../src/certificate/pem.js';
import { ClientCertificate } from '../../src/certificate/model.js';
import { CORPUS } from './differential/corpus.js';
import { DifferentialRun, type IssuedCase } from './differential/run.js';

/** Our verdict on one chain: 'OK' or the refusal's code. */
function ours(chain: IssuedCase): string {
  try {
    const validator = new ChainValidator({ trustAnchors: derToPem(chain.anchor), intermediates: chain.configured.map(derToPem), maxChainLength: 6 });
    validator.validate(ClientCertificate.fromDer(chain.leaf, chain.sent), chain.at);
    return 'OK';
  } catch (error) {
    if (!(error instanceof CertificateChainError)) throw error;
    return error.code;
  }
}

let run: DifferentialRun;
const results = new Map<string, IssuedCase & { ours: string }>();
beforeAll(() => {
  run = new DifferentialRun();
  for (const chain of run.issueAll()) results.set(chain.entry.name, { ...chain, ours: ours(chain) });
  const all = [...results.values()];
  if (process.env.DIFFERENTIAL_TABLE) for (const chain of all) console.log(`${chain.entry.name}: ours ${chain.ours}, openssl ${chain.openssl}${chain.opensslWithOption ? `, with ${chain.entry.opensslOption} ${chain.opensslWithOption}` : ''}`);
  const agreements = all.filter((chain) => (chain.ours === 'OK') === (chain.openssl === 'OK')).length;
  const accepted = all.filter((chain) => chain.openssl === 'OK').length;
  // One line for the run's log: the figures the issue asks for.
  console.log(`path-validation differential: ${all.length} chains (${accepted} accepted by OpenSSL), ${agreements} agreements, ${all.length - agreements} deliberate differences (stricter, each citing its rule)`);
}, 180_000);
afterAll(() => run.remove());

describe('ChainValidator against openssl verify -x509_strict -purpose sslclient', () => {
  it('covers at least 60 chains', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(60);
    expect(new Set(CORPUS.map((entry) => entry.name)).size).toBe(CORPUS.length);
  });

  it.each(CORPUS.filter((entry) => !entry.stricter).map((entry) => [entry.name]))('agrees on: %s', (name) => {
    const chain = results.get(name)!;
    expect({ name, accepted: chain.ours === 'OK', ours: chain.ours }).toEqual({ name, accepted: chain.openssl === 'OK', ours: chain.ours });
  });

  it.each(CORPUS.filter((entry) => entry.stricter).map((entry) => [entry.name, entry.stricter!]))('is deliberately stricter on: %s (%s)', (name) => {
    const chain = results.get(name)!;
    // OpenSSL accepts (else the citation is stale) and we refuse.
    expect({ openssl: chain.openssl, refused: chain.ours !== 'OK' }).toEqual({ openssl: 'OK', refused: true });
    // Where OpenSSL implements the stricter rule behind an option, it agrees with us once asked.
    if (chain.entry.opensslOption) expect(chain.opensslWithOption).not.toBe('OK');
  });
});
