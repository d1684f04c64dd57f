/**
 * Issues the differential corpus with openssl and asks `openssl verify -x509_strict -purpose
 * sslclient` about each chain; any other validator gets the same DER to judge. Shared by the
 * differential test and by bench/chain.bench.ts (which measures pkijs on the same chains).
 */
import { pemToDerList } from '../../../src/certificate/pem.js';
import { CA_EXTENSIONS, OpensslCa, openssl, type Issued } from '../../helpers/openssl-ca.js';
import { CORPUS, DIRECTORY_SECTIONS, type CertificateSpec, type DifferentialCase } from './corpus.js';

const DAY = 86_400_000;

/** One chain as DER, ready for any validator, with OpenSSL's verdicts. */
export interface IssuedCase {
  readonly entry: DifferentialCase;
  readonly anchor: Buffer;
  readonly leaf: Buffer;
  /** Sent beside the leaf. */
  readonly sent: readonly Buffer[];
  /** Configured on the validator. */
  readonly configured: readonly Buffer[];
  readonly at: Date;
  /** 'OK', or OpenSSL's error number, depth and message. */
  readonly openssl: string;
  /** With `entry.opensslOption` given. */
  readonly opensslWithOption?: string;
}

export class DifferentialRun {
  readonly ca = new OpensslCa();
  readonly #issued = new Map<string, Issued>();
  #serial = 0;

  /** Issues a spec under `issuer` once per distinct (spec, issuer): the corpus shares its roots and CAs. */
  #issue(spec: CertificateSpec, issuer: Issued | undefined): Issued {
    const memo = JSON.stringify([spec, issuer?.cert]);
    const known = this.#issued.get(memo);
    if (known) return known;
    const key = spec.key ?? `key-${this.#serial}`;
    if (spec.keyAlgorithm) this.ca.key(key, spec.keyAlgorithm);
    let parent = spec.selfSigned ? undefined : issuer;
    if (spec.signer) parent = this.#issue({ ...spec.signer, extensions: CA_EXTENSIONS, days: 365 }, undefined);
    const issued = this.ca.issue({
      name: `c${this.#serial++}`, key, ...(parent ? { issuer: parent } : {}), ...(spec.subject ? { subject: spec.subject } : {}),
      extensions: `${spec.extensions}\n${DIRECTORY_SECTIONS}`, ...(spec.days ? { days: spec.days } : {}),
      ...(spec.start ? { start: spec.start } : {}), ...(spec.end ? { end: spec.end } : {}),
    });
    this.#issued.set(memo, issued);
    return issued;
  }

  issueCase(entry: DifferentialCase): IssuedCase {
    const files: Issued[] = [];
    entry.chain.forEach((spec, index) => files.push(this.#issue(spec, files[index - 1])));
    const [root, ...rest] = files;
    const leaf = rest[rest.length - 1]!;
    const intermediates = rest.slice(0, -1).map((_, index) => index + 1);
    const extra = (entry.alsoSent ?? []).map(({ spec, issuer }) => this.#issue(spec, files[issuer]).cert);
    const sent = [...extra, ...(entry.sent ?? intermediates).map((index) => files[index]!.cert)];
    const configured = (entry.configured ?? []).map((index) => files[index]!.cert);
    const at = entry.at ? new Date(Date.now() + Number(entry.at.slice(1, -1)) * DAY) : new Date();
    const verify = (option?: string) => {
      try {
        openssl(this.ca.directory, ['verify', '-x509_strict', '-purpose', 'sslclient', ...(option ? [option] : []), '-CAfile', root!.cert,
          ...[...sent, ...configured].flatMap((file) => ['-untrusted', file]), ...(entry.at ? ['-attime', String(Math.floor(at.getTime() / 1000))] : []), leaf.cert]);
        return 'OK';
      } catch (error) {
        return /error (\d+) at (\d+) depth lookup: ([^\n]*)/.exec(String((error as { stderr?: string }).stderr ?? ''))?.slice(1).join(' ') ?? 'refused';
      }
    };
    const der = (file: string) => pemToDerList(this.ca.read(file))[0]!;
    return {
      entry, anchor: der(root!.cert), leaf: der(leaf.cert), sent: sent.map(der), configured: configured.map(der), at,
      openssl: verify(), ...(entry.opensslOption ? { opensslWithOption: verify(entry.opensslOption) } : {}),
    };
  }

  issueAll(): IssuedCase[] {
    return CORPUS.map((entry) => this.issueCase(entry));
  }

  remove(): void {
    this.ca.remove();
  }
}
