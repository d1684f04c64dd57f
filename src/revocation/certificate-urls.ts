import type { ClientCertificate } from '../certificate/model.js';
import { pkijsCertificate } from './pkijs.js';

const CRL_DISTRIBUTION_POINTS = '2.5.29.31';
const AUTHORITY_INFO_ACCESS = '1.3.6.1.5.5.7.1.1';
const OCSP_ACCESS_METHOD = '1.3.6.1.5.5.7.48.1';
const URI = 6; // GeneralName uniformResourceIdentifier [6]

function httpUrls(values: readonly unknown[]): URL[] {
  const urls: URL[] = [];
  for (const value of values) {
    try {
      const url = new URL(String(value));
      if (url.protocol === 'http:' || url.protocol === 'https:') urls.push(url);
    } catch {
      // Not a URL: ldap:// and the like are not fetched.
    }
  }
  return urls;
}

/**
 * The http(s) CRL distribution points of a certificate (RFC 5280 section 4.2.1.13): full names only,
 * and only points without `reasons` or `cRLIssuer` (a partial or indirect CRL cannot answer alone).
 */
export async function crlDistributionPoints(certificate: ClientCertificate): Promise<URL[]> {
  const parsed = await pkijsCertificate(certificate.der);
  const extension = parsed.extensions?.find((item) => item.extnID === CRL_DISTRIBUTION_POINTS);
  const points = (extension?.parsedValue as { distributionPoints?: { distributionPoint?: unknown; reasons?: unknown; cRLIssuer?: unknown }[] } | undefined)?.distributionPoints ?? [];
  const names = points
    .filter((point) => point.reasons === undefined && point.cRLIssuer === undefined && Array.isArray(point.distributionPoint))
    .flatMap((point) => (point.distributionPoint as { type: number; value: unknown }[]).filter((name) => name.type === URI).map((name) => name.value));
  return httpUrls(names);
}

/** The OCSP responders named in the certificate's authorityInfoAccess (RFC 5280 section 4.2.2.1). */
export async function ocspResponders(certificate: ClientCertificate): Promise<URL[]> {
  const parsed = await pkijsCertificate(certificate.der);
  const extension = parsed.extensions?.find((item) => item.extnID === AUTHORITY_INFO_ACCESS);
  const descriptions = (extension?.parsedValue as { accessDescriptions?: { accessMethod: string; accessLocation: { type: number; value: unknown } }[] } | undefined)?.accessDescriptions ?? [];
  return httpUrls(descriptions.filter((item) => item.accessMethod === OCSP_ACCESS_METHOD && item.accessLocation.type === URI).map((item) => item.accessLocation.value));
}
