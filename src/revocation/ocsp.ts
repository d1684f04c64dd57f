import { randomBytes } from 'node:crypto';
import type { BasicOCSPResponse, CertID, Certificate } from 'pkijs';
import type { ClientCertificate } from '../certificate/model.js';
import { miss, type RevocationAnswer } from './answer.js';
import { boundedFetch } from './http.js';
import { loadPkijs, pkijsCertificate } from './pkijs.js';

const NONCE = '1.3.6.1.5.5.7.48.1.2';
const BASIC = '1.3.6.1.5.5.7.48.1.1';
const RESPONSE_STATUS = ['successful', 'malformedRequest', 'internalError', 'tryLater', '(4)', 'sigRequired', 'unauthorized'];

export interface OcspQueryOptions {
  readonly timeoutMs: number;
  readonly maxBytes: number;
  /** `'send'`: send a nonce, refuse an answer echoing another; `'require'`: also refuse an answer without it; `'off'`. */
  readonly nonce: 'send' | 'require' | 'off';
  /** Tolerated clock difference with the responder, in milliseconds. */
  readonly clockSkewMs: number;
}

/** The request, and what the answer must match. */
async function buildRequest(certificate: Certificate, issuer: Certificate, nonce: Buffer | undefined): Promise<{ der: Buffer; certId: CertID }> {
  const pkijs = await loadPkijs();
  const request = new pkijs.OCSPRequest();
  // RFC 5019 section 2.1.1: one Request per OCSPRequest, CertID hashed with SHA-1 (what every responder accepts).
  await request.createForCertificate(certificate, { hashAlgorithm: 'SHA-1', issuerCertificate: issuer });
  if (nonce) {
    // RFC 8954 section 2.1: the nonce is an OCTET STRING of 1 to 32 octets, in the extnValue.
    const value = Buffer.concat([Buffer.from([0x04, nonce.length]), nonce]);
    request.tbsRequest.requestExtensions = [new pkijs.Extension({ extnID: NONCE, critical: false, extnValue: new Uint8Array(value).buffer })];
  }
  return { der: Buffer.from(request.toSchema(true).toBER(false)), certId: request.tbsRequest.requestList[0]!.reqCert };
}

/** RFC 5019 section 5: GET (cacheable) when the whole URL stays within 255 bytes, else POST. */
async function send(url: URL, der: Buffer, options: OcspQueryOptions): Promise<Buffer> {
  const encoded = encodeURIComponent(der.toString('base64'));
  const base = url.href.endsWith('/') ? url.href : `${url.href}/`;
  const common = { accept: 'application/ocsp-response', timeoutMs: options.timeoutMs, maxBytes: options.maxBytes };
  if (base.length + encoded.length <= 255) return boundedFetch({ ...common, url: new URL(base + encoded), method: 'GET' });
  return boundedFetch({ ...common, url, method: 'POST', body: der, contentType: 'application/ocsp-request' });
}

async function responderIsIssuer(basic: BasicOCSPResponse, issuer: Certificate): Promise<boolean> {
  const pkijs = await loadPkijs();
  const id = basic.tbsResponseData.responderID;
  if (id instanceof pkijs.RelativeDistinguishedNames) return id.isEqual(issuer.subject);
  const keyHash = await pkijs.getCrypto(true).digest({ name: 'SHA-1' }, new Uint8Array(issuer.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView));
  return Buffer.from(keyHash).equals(Buffer.from((id as { valueBlock: { valueHexView: Uint8Array } }).valueBlock.valueHexView));
}

/**
 * RFC 6960 section 4.2.2.2: the answer is signed by the CA that issued the certificate, or by a
 * responder certificate that CA issued with id-kp-OCSPSigning (pkijs checks the delegation, its
 * key usage and validity), or by a responder the deployment configured as trusted.
 */
async function signatureTrusted(basic: BasicOCSPResponse, issuer: Certificate, trustedResponders: readonly Certificate[]): Promise<boolean> {
  const pkijs = await loadPkijs();
  if (await responderIsIssuer(basic, issuer)) {
    return pkijs.getCrypto(true).verifyWithPublicKey(new Uint8Array(basic.tbsResponseData.tbsView), basic.signature, issuer.subjectPublicKeyInfo, basic.signatureAlgorithm);
  }
  if (trustedResponders.length) basic.certs = [...(basic.certs ?? []), ...trustedResponders];
  if (!basic.certs?.length) return false;
  return basic.verify({ issuerCerts: [issuer], trustedCerts: [issuer], trustedResponders: [...trustedResponders] });
}

/**
 * Asks `url` about `certificate` (issued by `issuer`, both from the validated path) and verifies
 * the answer: response status, signer (section 4.2.2.2), certID match, the thisUpdate/nextUpdate
 * window (section 4.2.2.1, RFC 5019 section 4) and the nonce.
 */
export async function queryOcsp(url: URL, certificate: ClientCertificate, issuer: ClientCertificate, now: number, options: OcspQueryOptions, trustedResponders: readonly Certificate[]): Promise<RevocationAnswer> {
  const source = `ocsp ${url.href}`;
  const pkijs = await loadPkijs();
  const [leaf, issuing] = await Promise.all([pkijsCertificate(certificate.der), pkijsCertificate(issuer.der)]);
  const nonce = options.nonce === 'off' ? undefined : randomBytes(16);
  const { der, certId } = await buildRequest(leaf, issuing, nonce);
  let body: Buffer;
  try {
    body = await send(url, der, options);
  } catch (error) {
    return miss(source, (error as Error).message);
  }
  let basic: BasicOCSPResponse;
  try {
    const response = pkijs.OCSPResponse.fromBER(new Uint8Array(body));
    const status = response.responseStatus.valueBlock.valueDec;
    if (status !== 0) return miss(source, `the responder answered ${RESPONSE_STATUS[status] ?? status}`);
    if (response.responseBytes?.responseType !== BASIC) return miss(source, 'not a basic OCSP response');
    basic = pkijs.BasicOCSPResponse.fromBER(new Uint8Array(response.responseBytes.response.valueBlock.valueHexView));
  } catch {
    return miss(source, 'the answer is not a DER OCSP response');
  }
  try {
    if (!(await signatureTrusted(basic, issuing, trustedResponders))) return miss(source, 'the answer is not signed by the issuer or a responder it delegated');
  } catch (error) {
    return miss(source, `the answer's signer is not authorised: ${(error as Error).message.slice(0, 200)}`);
  }
  const echoed = basic.tbsResponseData.responseExtensions?.find((extension) => extension.extnID === NONCE);
  if (nonce && echoed && !Buffer.from(echoed.extnValue.valueBlock.valueHexView).subarray(-nonce.length).equals(nonce)) return miss(source, 'the answer carries another nonce (a replay?)');
  if (options.nonce === 'require' && !echoed) return miss(source, 'the answer does not echo the nonce (nonce: require)');
  const single = basic.tbsResponseData.responses.find((item) => item.certID.isEqual(certId));
  if (!single) return miss(source, 'the answer is about another certificate (no matching certID)');
  // RFC 6960 section 4.2.2.1 / RFC 5019 section 4: thisUpdate not in the future, nextUpdate not in the past.
  if (single.thisUpdate.getTime() > now + options.clockSkewMs) return miss(source, `the answer's thisUpdate ${single.thisUpdate.toISOString()} is in the future`);
  const nextUpdate = single.nextUpdate?.getTime();
  if (nextUpdate !== undefined && nextUpdate + options.clockSkewMs < now) return miss(source, `the answer expired at ${single.nextUpdate!.toISOString()}`);
  // Without nextUpdate only a nonce proves the answer fresh (RFC 6960 section 4.4.1).
  if (nextUpdate === undefined && !(nonce && echoed)) return miss(source, 'the answer has no nextUpdate and no nonce: its freshness is unknown');
  const tag = (single.certStatus as { idBlock: { tagNumber: number } }).idBlock.tagNumber;
  if (tag === 1) return { status: 'revoked', source, detail: `the responder says "${certificate.subject}" (serial ${certificate.serialNumber}) is revoked` };
  if (tag !== 0) return miss(source, `the responder does not know "${certificate.subject}" (status unknown)`);
  return { status: 'good', source, until: nextUpdate ?? now };
}
