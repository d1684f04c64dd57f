import type { CertificateRevocationList, Certificate } from 'pkijs';
import type { ClientCertificate } from '../certificate/model.js';
import { miss, type RevocationAnswer } from './answer.js';
import { crlDistributionPoints } from './certificate-urls.js';
import { bytesToHex, loadPkijs, pkijsCertificate, serialKey } from './pkijs.js';

const PEM_CRL = /-----BEGIN X509 CRL-----([\s\S]*?)-----END X509 CRL-----/g;
const ISSUING_DISTRIBUTION_POINT = '2.5.29.28';
const DELTA_CRL_INDICATOR = '2.5.29.27';
const CERTIFICATE_ISSUER = '2.5.29.29';
const KEY_USAGE = '2.5.29.15';
const BASIC_CONSTRAINTS = '2.5.29.19';

/** A parsed CRL: the revoked serials in a set, and which issuers its signature was checked against. */
export interface ParsedCrl {
  readonly crl: CertificateRevocationList;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date | undefined;
  readonly revoked: ReadonlySet<string>;
  /** Why this CRL cannot answer for anything (delta CRL, indirect CRL, unknown critical extension). */
  readonly unusable: string | undefined;
  /** Issuer thumbprint -> whether the CRL's signature verified with that issuer's key. */
  readonly verified: Map<string, Promise<boolean>>;
}

/** The DER of every CRL in `bytes`: PEM `X509 CRL` blocks (one or more), or one DER CRL. */
export function crlDerList(bytes: Buffer): Buffer[] {
  const text = bytes.subarray(0, 64).toString('latin1');
  if (!text.includes('-----BEGIN')) return [bytes];
  const blocks = [...bytes.toString('latin1').matchAll(PEM_CRL)].map((match) => Buffer.from(match[1]!.replace(/\s+/g, ''), 'base64'));
  if (blocks.length === 0) throw new Error('no PEM "X509 CRL" block');
  return blocks;
}

function unusableReason(crl: CertificateRevocationList): string | undefined {
  for (const extension of crl.crlExtensions?.extensions ?? []) {
    // RFC 5280 section 5.2.4: a delta CRL only makes sense with its base CRL, which is not tracked here.
    if (extension.extnID === DELTA_CRL_INDICATOR) return 'a delta CRL';
    if (extension.extnID === ISSUING_DISTRIBUTION_POINT) {
      const point = extension.parsedValue as { indirectCRL?: boolean; onlySomeReasons?: unknown; onlyContainsAttributeCerts?: boolean } | undefined;
      // RFC 5280 section 6.3.3 (b)(2): a CRL scoped to some reasons or to other issuers is not complete for this issuer.
      if (point?.indirectCRL || point?.onlySomeReasons !== undefined || point?.onlyContainsAttributeCerts) return 'a CRL scoped by its issuing distribution point';
      continue;
    }
    if (extension.critical && extension.extnID !== '2.5.29.20' && extension.extnID !== '2.5.29.35') return `a CRL with the unknown critical extension ${extension.extnID}`;
  }
  for (const entry of crl.revokedCertificates ?? []) {
    const critical = entry.crlEntryExtensions?.extensions.find((extension) => extension.critical || extension.extnID === CERTIFICATE_ISSUER);
    if (critical) return `a CRL entry with extension ${critical.extnID} (indirect CRLs are not supported)`;
  }
  return undefined;
}

/**
 * Parses one DER CRL with pkijs.
 * @throws {Error} when the bytes are not a CRL
 */
export async function parseCrl(der: Buffer): Promise<ParsedCrl> {
  const pkijs = await loadPkijs();
  const crl = pkijs.CertificateRevocationList.fromBER(new Uint8Array(der));
  const revoked = new Set((crl.revokedCertificates ?? []).map((entry) => serialKey(bytesToHex(entry.userCertificate.valueBlock.valueHexView))));
  return { crl, thisUpdate: crl.thisUpdate.value, nextUpdate: crl.nextUpdate?.value, revoked, unusable: unusableReason(crl), verified: new Map() };
}

function mayIssueCrls(issuer: Certificate): boolean {
  const usage = issuer.extensions?.find((extension) => extension.extnID === KEY_USAGE)?.parsedValue as { valueBlock?: { valueHexView?: Uint8Array } } | undefined;
  const bits = usage?.valueBlock?.valueHexView;
  // RFC 5280 section 6.3.3 (f): when keyUsage is present, the CRL issuer must have cRLSign (bit 6).
  if (usage === undefined) return true;
  return bits !== undefined && bits.length > 0 && (bits[0]! & 0x02) !== 0;
}

/** Whether `parsed` is a CRL of `issuer`: same issuer name, signature verified with its key, cRLSign. */
export async function crlIsFrom(parsed: ParsedCrl, issuer: ClientCertificate): Promise<boolean> {
  const issuerCertificate = await pkijsCertificate(issuer.der);
  // RFC 5280 section 6.3.3 (b)(1), (f), (g): the CRL issuer is the certificate issuer, and its key signed the CRL.
  if (!parsed.crl.issuer.isEqual(issuerCertificate.subject)) return false;
  let verified = parsed.verified.get(issuer.thumbprint);
  if (!verified) {
    verified = mayIssueCrls(issuerCertificate) ? parsed.crl.verify({ issuerCertificate }).catch(() => false) : Promise.resolve(false);
    parsed.verified.set(issuer.thumbprint, verified);
  }
  return verified;
}

/**
 * Why `parsed` (a CRL of the certificate's issuer) does not cover `certificate`, or undefined when
 * it does. RFC 5280 section 6.3.3 (b)(2): a CRL whose issuing distribution point holds only CA
 * (or only user) certificates, or names another distribution point, says nothing about it.
 */
export async function crlScopeMismatch(parsed: ParsedCrl, certificate: ClientCertificate): Promise<string | undefined> {
  const point = parsed.crl.crlExtensions?.extensions.find((extension) => extension.extnID === ISSUING_DISTRIBUTION_POINT)?.parsedValue as
    { distributionPoint?: unknown; onlyContainsUserCerts?: boolean; onlyContainsCACerts?: boolean } | undefined;
  if (point === undefined) return undefined;
  const parsedCertificate = await pkijsCertificate(certificate.der);
  const constraints = parsedCertificate.extensions?.find((extension) => extension.extnID === BASIC_CONSTRAINTS)?.parsedValue as { cA?: boolean } | undefined;
  const isCa = constraints?.cA === true;
  if (point.onlyContainsCACerts && !isCa) return 'the CRL covers CA certificates only';
  if (point.onlyContainsUserCerts && isCa) return 'the CRL covers end-entity certificates only';
  if (point.distributionPoint === undefined) return undefined;
  const names = Array.isArray(point.distributionPoint)
    ? (point.distributionPoint as { type: number; value: unknown }[]).filter((name) => name.type === 6).map((name) => String(name.value))
    : [];
  const own = new Set((await crlDistributionPoints(certificate)).map((url) => url.href));
  if (names.some((name) => URL.canParse(name) && own.has(new URL(name).href))) return undefined;
  return 'the CRL is for a distribution point the certificate does not name';
}

/** What a CRL of the certificate's issuer (already checked with `crlIsFrom`) says about it at `now`. */
export function crlAnswer(parsed: ParsedCrl, certificate: ClientCertificate, now: number, source: string, clockSkewMs: number): RevocationAnswer {
  if (parsed.unusable) return miss(source, `${parsed.unusable} cannot answer`);
  // A CRL just issued by a CA whose clock runs a little ahead is still usable (clockSkewSeconds).
  if (parsed.thisUpdate.getTime() > now + clockSkewMs) return miss(source, `the CRL is not valid before ${parsed.thisUpdate.toISOString()}`);
  // A CRL past its nextUpdate may miss newer revocations: it fails closed (RFC 5280 section 6.3.3 (a)(2)).
  if (!parsed.nextUpdate) return miss(source, 'the CRL has no nextUpdate', true);
  if (parsed.nextUpdate.getTime() < now) return miss(source, `the CRL is stale: its nextUpdate was ${parsed.nextUpdate.toISOString()}`, true);
  if (parsed.revoked.has(serialKey(certificate.serialNumber))) {
    return { status: 'revoked', source, detail: `serial ${certificate.serialNumber} of "${certificate.subject}" is on the CRL of "${certificate.issuer}"` };
  }
  return { status: 'good', source, until: parsed.nextUpdate.getTime() };
}
