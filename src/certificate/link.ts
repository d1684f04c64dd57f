import { distinguishedNameKey, distinguishedNamesEqual } from './distinguished-name.js';
import { CertificateChainError } from './chain-errors.js';
import { readPathExtensions, type PathExtensions } from './extensions.js';
import { issuerKeyProblem } from './key-bounds.js';
import { ClientCertificate } from './model.js';
import { pemToDerList } from './pem.js';

/** Certificates as PEM text (one or more blocks) or DER bytes. */
export type CertificateInput = string | Uint8Array | readonly (string | Uint8Array)[];

/** A certificate with the facts that path building and checking read, computed once. */
export interface Link {
  readonly certificate: ClientCertificate;
  readonly extensions: PathExtensions;
  /** Index key of the subject name (`distinguishedNameKey`). */
  readonly subjectKey: string;
  readonly issuerKey: string;
  /** Subject and issuer are the same name (RFC 5280 section 6.1: "self-issued"). */
  readonly selfIssued: boolean;
  /** commonName values of the subject. */
  readonly commonNames: readonly string[];
  /** Why this certificate's key may not verify signatures (computed on first use), or undefined. */
  keyProblem(): string | undefined;
}

const COMMON_NAME = '2.5.4.3';

/** The facts of one certificate. @throws {CertificateHeaderError} on malformed DER */
function facts(certificate: ClientCertificate): Link {
  void certificate.x509;
  const extensions = readPathExtensions(certificate.der);
  let problem: { value: string | undefined } | undefined;
  return {
    certificate,
    extensions,
    subjectKey: distinguishedNameKey(certificate.subjectName),
    issuerKey: distinguishedNameKey(certificate.issuerName),
    selfIssued: distinguishedNamesEqual(certificate.subjectName, certificate.issuerName),
    commonNames: certificate.subjectName.flat().filter((attribute) => attribute.type === COMMON_NAME && attribute.hex !== true).map((attribute) => attribute.value),
    keyProblem() {
      if (!problem) {
        try {
          problem = { value: issuerKeyProblem(certificate.publicKey) };
        } catch {
          problem = { value: 'an unreadable public key' };
        }
      }
      return problem.value;
    },
  };
}

/** A forwarded certificate's link. @throws {CertificateChainError} `ERR_CHAIN_INVALID` */
export function link(certificate: ClientCertificate): Link {
  try {
    return facts(certificate);
  } catch (error) {
    throw new CertificateChainError('ERR_CHAIN_INVALID', `"${safeSubject(certificate)}": ${(error as Error).message}`);
  }
}

function safeSubject(certificate: ClientCertificate): string {
  try {
    return certificate.subject;
  } catch {
    return certificate.thumbprint;
  }
}

/** Configured certificates (trust anchors, intermediates). @throws {TypeError} for anything unusable */
export function toLinks(input: CertificateInput | undefined, name: string, keysChecked: boolean): Link[] {
  if (input === undefined) return [];
  const list = typeof input === 'string' || input instanceof Uint8Array ? [input] : input;
  if (!Array.isArray(list)) throw new TypeError(`${name} must be PEM text, DER bytes or an array of them`);
  try {
    return list.flatMap((item) => (typeof item === 'string' ? pemToDerList(item) : [item]))
      .map((der) => {
        const configured = facts(ClientCertificate.fromDer(der, [], 'tls').validate());
        const problem = keysChecked ? configured.keyProblem() : undefined;
        if (problem) throw new Error(`"${configured.certificate.subject}" has ${problem}`);
        return configured;
      });
  } catch (error) {
    throw new TypeError(`${name}: ${(error as Error).message}`);
  }
}
