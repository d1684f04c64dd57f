import { CertificateChainError, type ChainErrorCode } from './chain-errors.js';
import { PROCESSED_EXTENSIONS } from './extensions.js';
import type { Link } from './link.js';
import { checkNameConstraints } from './name-constraints.js';
import { checkPolicies } from './policy.js';

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const NETSCAPE_SSL_CLIENT = 0x80;

const fail = (code: ChainErrorCode, link: Link, message: string) =>
  new CertificateChainError(code, `"${link.certificate.subject}" ${message}`);

/** RFC 5280 section 6.1.3 (a)(2): "The certificate validity period includes the current time." */
export function checkValidity(path: readonly Link[], time: number): void {
  for (const link of path) {
    const { certificate } = link;
    if (time > certificate.notAfter.getTime()) throw fail('ERR_CHAIN_EXPIRED', link, `expired at ${certificate.notAfter.toISOString()}`);
    if (time < certificate.notBefore.getTime()) throw fail('ERR_CHAIN_NOT_YET_VALID', link, `is valid from ${certificate.notBefore.toISOString()}`);
  }
}

/**
 * The RFC 5280 profile rules that `openssl verify -x509_strict` enforces on every certificate of
 * a path (sections 4.1.1.2, 4.1.2.4, 4.1.2.6, 4.2.1.1, 4.2.1.2, 4.2.1.3, 4.2.1.6, 4.2.1.9; RFC 5480 section 2.1.1).
 */
function checkProfile(link: Link, isAnchor: boolean): void {
  const x = link.extensions;
  const ca = x.basicConstraints?.ca === true;
  const problem = (message: string) => fail('ERR_CHAIN_PROFILE', link, message);
  if (x.basicConstraints?.pathLength !== undefined && !(ca && x.keyUsage?.keyCertSign)) throw problem('has a pathLenConstraint but is not a CA allowed to sign certificates');
  if (ca && !x.basicConstraints!.critical) throw problem('is a CA whose basicConstraints is not critical');
  if (ca && !x.keyUsage) throw problem('is a CA without keyUsage');
  if (!ca && x.keyUsage?.keyCertSign) throw problem('asserts keyCertSign but is not a CA');
  if (x.issuerEmpty) throw problem('has an empty issuer name');
  if (x.subjectEmpty && (ca || x.keyUsage?.cRLSign || !x.subjectAltNames)) throw problem('has an empty subject name');
  if (x.subjectEmpty && x.subjectAltNames && !x.subjectAltNameCritical) throw problem('has an empty subject and a non-critical subjectAltName');
  if (x.subjectAltNames?.length === 0) throw problem('has an empty subjectAltName');
  if (!x.signatureAlgorithmsMatch) throw problem('names two different signature algorithms');
  if (x.ecExplicitParameters) throw problem('has an EC key with explicit curve parameters');
  if (x.version >= 3) {
    if (!isAnchor && !x.authorityKeyIdentifier?.keyIdentifier) throw problem('has no authorityKeyIdentifier keyIdentifier');
    if (ca && !x.subjectKeyIdentifier) throw problem('is a CA without subjectKeyIdentifier');
  } else if (x.critical.length > 0 || x.basicConstraints || x.keyUsage || x.extendedKeyUsage || x.subjectAltNames) {
    throw problem('carries extensions but is not a version 3 certificate');
  }
}

/**
 * Everything of RFC 5280 section 6.1 that does not depend on the time, on a path built leaf
 * first and trust anchor last (the signatures were checked while building it).
 * @throws {CertificateChainError}
 */
export function checkPath(path: readonly Link[]): void {
  path.forEach((link, index) => {
    const x = link.extensions;
    // RFC 5280 section 4.2: "A certificate-using system MUST reject the certificate if it encounters
    // a critical extension it does not recognize"; every certificate, the anchor's too, as OpenSSL does.
    const unknown = x.critical.find((oid) => !PROCESSED_EXTENSIONS.has(oid));
    if (unknown) throw fail('ERR_CHAIN_CRITICAL_EXTENSION', link, `has the unprocessed critical extension ${unknown}`);
    if (index > 0) {
      // RFC 5280 section 6.1.4 (k), (n): issuers are CAs allowed to sign certificates.
      if (!x.basicConstraints?.ca) throw fail('ERR_CHAIN_NOT_CA', link, 'is not a CA');
      if (x.keyUsage && !x.keyUsage.keyCertSign) throw fail('ERR_CHAIN_KEY_USAGE', link, 'lacks keyCertSign');
    }
    checkProfile(link, index === path.length - 1);
    if (index === 0) {
      // RFC 5280 section 4.2.1.3: digitalSignature is the bit for "an entity authentication service";
      // a TLS client signs its CertificateVerify (RFC 8446 section 4.4.3). OpenSSL's sslclient purpose
      // also accepts keyAgreement alone: we are deliberately stricter.
      if (x.keyUsage && !x.keyUsage.digitalSignature) throw fail('ERR_CHAIN_KEY_USAGE', link, 'lacks the digitalSignature key usage');
      // RFC 5280 section 4.2.1.12: when stated, the purpose must include clientAuth (anyExtendedKeyUsage does not, as in OpenSSL).
      if (x.extendedKeyUsage && !x.extendedKeyUsage.includes(CLIENT_AUTH)) throw fail('ERR_CHAIN_EXTENDED_KEY_USAGE', link, 'has an extended key usage without clientAuth');
      if (x.netscapeCertType !== undefined && !(x.netscapeCertType & NETSCAPE_SSL_CLIENT)) throw fail('ERR_CHAIN_EXTENDED_KEY_USAGE', link, 'has a Netscape certificate type without SSL client');
    } else if (x.extendedKeyUsage && !x.extendedKeyUsage.includes(CLIENT_AUTH)) {
      // Not in RFC 5280, which leaves EKU to the leaf; OpenSSL's sslclient purpose (and the CA/Browser
      // Forum's reading) applies a CA's stated EKU to everything below it. We follow OpenSSL.
      throw fail('ERR_CHAIN_EXTENDED_KEY_USAGE', link, 'is a CA whose extended key usage lacks clientAuth');
    }
    // RFC 5280 section 6.1.4 (l), (m): pathLenConstraint counts the non-self-issued intermediates below.
    const allowed = x.basicConstraints?.pathLength;
    if (index > 1 && allowed !== undefined) {
      const below = path.slice(1, index).filter((item) => !item.selfIssued).length;
      if (below > allowed) throw fail('ERR_CHAIN_PATH_LENGTH', link, `allows ${allowed} intermediates below it, found ${below}`);
    }
  });
  checkPathNameConstraints(path);
  // RFC 5280 section 6.1: the trust anchor is an input to policy processing, not certificate 1.
  const verdict = checkPolicies(path.slice(0, -1).reverse().map((link) => ({ extensions: link.extensions, selfIssued: link.selfIssued })));
  if (verdict === 'no-explicit-policy') throw new CertificateChainError('ERR_CHAIN_POLICY', 'a CA requires an explicit certificate policy that the path does not carry');
  if (verdict === 'mapping-unsupported') throw new CertificateChainError('ERR_CHAIN_POLICY', 'a CA requires an explicit policy on a path with policy mappings, which are not processed');
}

/**
 * RFC 5280 section 6.1.3 (b), (c) and 6.1.4 (b), (g): every certificate below a CA (self-issued
 * intermediates excepted, the leaf always) meets that CA's nameConstraints. The anchor's own
 * constraints apply too (section 6.1.1 (c) allows it; OpenSSL does it).
 */
function checkPathNameConstraints(path: readonly Link[]): void {
  for (let i = path.length - 2; i >= 0; i--) {
    const link = path[i]!;
    if (i > 0 && link.selfIssued) continue;
    for (let j = path.length - 1; j > i; j--) {
      const constraints = path[j]!.extensions.nameConstraints;
      if (!constraints) continue;
      const verdict = checkNameConstraints({ subject: link.certificate.subjectName, extensions: link.extensions, commonNames: link.commonNames, isLeaf: i === 0 }, constraints);
      if (verdict === 'ok') continue;
      const why = verdict === 'permitted' ? 'has a name outside the permitted subtrees' : verdict === 'excluded' ? 'has a name in an excluded subtree'
        : verdict === 'syntax' ? 'has a name that cannot be compared with the constraints' : 'has a name of a type the constraints cannot be checked for';
      throw fail('ERR_CHAIN_NAME_CONSTRAINTS', link, `${why} of "${path[j]!.certificate.subject}"`);
    }
  }
}
