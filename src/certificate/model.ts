import { X509Certificate, createPublicKey, type KeyObject } from 'node:crypto';
import { assertCertificateFraming } from './der.js';
import { formatDistinguishedName } from './distinguished-name.js';
import { CertificateHeaderError } from './errors.js';
import { readCertificateFields, type CertificateFields, type RelativeDistinguishedNames, type SubjectAltNames } from './fields.js';
import { derToPem } from './pem.js';
import { thumbprint } from './thumbprint.js';

/** Where a certificate came from: a trusted proxy's header, or this process's own TLS socket. */
export type CertificateSource = 'header' | 'tls';

/**
 * A client certificate, whatever its source. Construction costs a structural check and one
 * SHA-256 (microseconds); the fields are read from the DER on first use and kept, and the full
 * node:crypto parse (`x509`) happens only when something asks for it.
 */
export class ClientCertificate {
  /** The certificate's DER bytes. */
  readonly der: Buffer;
  /** RFC 8705 section 3.1 `x5t#S256`: base64url SHA-256 of the DER, no padding. */
  readonly thumbprint: string;
  /** The intermediates the proxy (or the TLS peer) sent after this certificate, possibly empty. */
  readonly chain: readonly ClientCertificate[];
  /** Where the certificate came from. */
  readonly source: CertificateSource;

  #fields?: CertificateFields;
  #x509?: X509Certificate;
  #publicKey?: KeyObject;

  private constructor(der: Buffer, chain: readonly ClientCertificate[], source: CertificateSource) {
    this.der = der;
    this.thumbprint = thumbprint(der);
    this.chain = Object.freeze([...chain]);
    this.source = source;
  }

  /**
   * A certificate from its DER bytes and, optionally, the DER of the intermediates after it.
   * @throws {CertificateHeaderError} `ERR_CERT_INVALID` or `ERR_CERT_HEADER_TRAILING_DATA`
   */
  static fromDer(der: Uint8Array, chain: readonly Uint8Array[] = [], source: CertificateSource = 'header'): ClientCertificate {
    assertCertificateFraming(der);
    const intermediates = chain.map((link) => {
      try {
        return ClientCertificate.fromDer(link, [], source);
      } catch (error) {
        if (error instanceof CertificateHeaderError) throw new CertificateHeaderError('ERR_CERT_CHAIN_INVALID', `chain: ${error.message}`);
        throw error;
      }
    });
    return new ClientCertificate(Buffer.from(der), intermediates, source);
  }

  /** A copy of this certificate with another chain (used when the chain arrives in its own header). */
  withChain(chain: readonly ClientCertificate[]): ClientCertificate {
    return new ClientCertificate(this.der, chain, this.source);
  }

  private get fields(): CertificateFields {
    if (!this.#fields) {
      try {
        this.#fields = readCertificateFields(this.der);
      } catch (error) {
        if (error instanceof CertificateHeaderError) throw error;
        throw new CertificateHeaderError('ERR_CERT_INVALID', 'unreadable certificate fields');
      }
    }
    return this.#fields;
  }

  /**
   * The node:crypto parse of this certificate (signature checks, `checkIssued`, `checkHost`...).
   * @throws {CertificateHeaderError} `ERR_CERT_INVALID` when OpenSSL cannot parse the DER, `ERR_CERT_NOT_DER` when the bytes are not DER
   */
  get x509(): X509Certificate {
    if (!this.#x509) {
      let parsed: X509Certificate;
      try {
        parsed = new X509Certificate(this.der);
      } catch {
        throw new CertificateHeaderError('ERR_CERT_INVALID', 'the bytes are not a parseable X.509 certificate');
      }
      // RFC 5280 section 4.1: a certificate is DER. OpenSSL parses some BER (a BIT STRING with
      // non-zero unused bits) and re-encodes it, which would give one certificate two thumbprints.
      if (!parsed.raw.equals(this.der)) throw new CertificateHeaderError('ERR_CERT_NOT_DER', 'the certificate is not DER-encoded (node:crypto re-encodes it differently)');
      this.#x509 = parsed;
    }
    return this.#x509;
  }

  /** Parses everything once, so that a broken certificate fails here rather than later in a handler. */
  validate(): this {
    void this.x509;
    void this.fields;
    return this;
  }

  /** The certificate as a PEM block. */
  get pem(): string {
    return derToPem(this.der);
  }

  /** Subject as an RFC 4514 string (last RDN first, as `openssl x509 -nameopt RFC2253` prints it). */
  get subject(): string {
    return formatDistinguishedName(this.fields.subject);
  }

  /** Issuer as an RFC 4514 string. */
  get issuer(): string {
    return formatDistinguishedName(this.fields.issuer);
  }

  /** Subject RDNs in DER order, with dotted OIDs, for semantic comparison. */
  get subjectName(): RelativeDistinguishedNames {
    return this.fields.subject;
  }

  /** Issuer RDNs in DER order. */
  get issuerName(): RelativeDistinguishedNames {
    return this.fields.issuer;
  }

  /** Serial number, upper-case hex of the DER INTEGER. */
  get serialNumber(): string {
    return this.fields.serialNumber;
  }

  get notBefore(): Date {
    return this.fields.notBefore;
  }

  get notAfter(): Date {
    return this.fields.notAfter;
  }

  /** Subject alternative names split into dns / uri / ip / email. */
  get subjectAltNames(): SubjectAltNames {
    return this.fields.subjectAltNames;
  }

  /** The subject public key. */
  get publicKey(): KeyObject {
    if (!this.#publicKey) {
      try {
        this.#publicKey = createPublicKey({ key: this.fields.subjectPublicKeyInfo, format: 'der', type: 'spki' });
      } catch {
        throw new CertificateHeaderError('ERR_CERT_INVALID', 'unreadable subject public key');
      }
    }
    return this.#publicKey;
  }

  /** A plain, JSON-safe summary (no key material beyond the public certificate). */
  toJSON(): Record<string, unknown> {
    return {
      thumbprint: this.thumbprint,
      subject: this.subject,
      issuer: this.issuer,
      serialNumber: this.serialNumber,
      notBefore: this.notBefore.toISOString(),
      notAfter: this.notAfter.toISOString(),
      subjectAltNames: this.subjectAltNames,
      chain: this.chain.map((link) => ({ thumbprint: link.thumbprint, subject: link.subject })),
      source: this.source,
    };
  }
}
