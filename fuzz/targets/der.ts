import { X509Certificate } from 'node:crypto';
import { assertCertificateFraming } from '../../src/certificate/der.js';
import { readCertificateFields } from '../../src/certificate/fields.js';
import { readPathExtensions } from '../../src/certificate/extensions.js';
import { ClientCertificate } from '../../src/certificate/model.js';
import { isCertificateError } from '../lib/allowed.js';
import { mutatedDer } from '../lib/der-mutation.js';
import { certificateDer, certificateNames } from '../lib/samples.js';
import { PropertyViolation, expectOnly, timed, type FuzzTarget } from '../lib/target.js';

const SEEDS = certificateNames().map(certificateDer);

const GETTERS = ['subject', 'issuer', 'subjectName', 'issuerName', 'subjectAltNames', 'notBefore', 'notAfter', 'serialNumber', 'publicKey'] as const;

/** OpenSSL's parse, or undefined when it refuses the bytes. */
function opensslParse(der: Uint8Array): X509Certificate | undefined {
  try {
    return new X509Certificate(der);
  } catch {
    return undefined;
  }
}

/** node:crypto writes the serial without leading zeros. */
const serialDigits = (hex: string) => hex.toUpperCase().replace(/^0+/, '') || '0';

/**
 * `ClientCertificate.fromDer(bytes)` then every getter: typed errors only. When both our reader and
 * OpenSSL accept the bytes, they must agree on the serial number, the validity and the public key.
 */
export const derTarget: FuzzTarget<Uint8Array> = {
  name: 'der-certificate',
  description: 'ClientCertificate.fromDer then every getter, on fixture certificates with tree edits (tags, contents, removed/duplicated/moved elements), bit flips, truncations and length-byte edits; differential against node:crypto',
  arbitrary: mutatedDer(SEEDS),
  check(bytes) {
    let certificate: ClientCertificate | undefined;
    expectOnly(() => { certificate = timed(() => ClientCertificate.fromDer(bytes)); }, (error) => isCertificateError(error, ['ERR_CERT_INVALID', 'ERR_CERT_HEADER_TRAILING_DATA']));
    if (!certificate) return;
    const values: Partial<Record<(typeof GETTERS)[number], unknown>> = {};
    for (const getter of GETTERS) {
      expectOnly(() => { values[getter] = timed(() => certificate![getter]); }, (error) => isCertificateError(error, ['ERR_CERT_INVALID']));
    }
    expectOnly(() => timed(() => JSON.stringify(certificate)), (error) => isCertificateError(error, ['ERR_CERT_INVALID']));
    const openssl = opensslParse(bytes);
    // Accept only DER: what validate() (the full parse every source runs) lets through is exactly
    // what node:crypto re-encodes, byte for byte, so one certificate has one thumbprint.
    let validated = false;
    expectOnly(() => { timed(() => certificate!.validate()); validated = true; }, (error) => isCertificateError(error, ['ERR_CERT_INVALID', 'ERR_CERT_NOT_DER']));
    if (validated && (!openssl || !openssl.raw.equals(bytes))) throw new PropertyViolation('non-DER accepted: validate() passed bytes that node:crypto re-encodes differently');
    if (!openssl || values.serialNumber === undefined || values.notBefore === undefined || values.notAfter === undefined) return;
    // A negative serial (first bit set) is printed by OpenSSL with a sign: compare non-negative ones only.
    if (!/^[89A-F]/.test(values.serialNumber as string) && serialDigits(values.serialNumber as string) !== serialDigits(openssl.serialNumber)) {
      throw new PropertyViolation(`serial ${String(values.serialNumber)} differs from OpenSSL's ${openssl.serialNumber}`);
    }
    const before = (values.notBefore as Date).getTime();
    const after = (values.notAfter as Date).getTime();
    if (before !== Date.parse(openssl.validFrom) || after !== Date.parse(openssl.validTo)) {
      throw new PropertyViolation(`validity ${new Date(before).toISOString()}..${new Date(after).toISOString()} differs from OpenSSL's ${openssl.validFrom}..${openssl.validTo}`);
    }
    let opensslKey;
    try {
      opensslKey = openssl.publicKey;
    } catch {
      return;
    }
    if (values.publicKey !== undefined && !opensslKey.equals(values.publicKey as never)) throw new PropertyViolation('public key differs from OpenSSL\'s');
  },
  sliceRuns: 1500,
};

/**
 * The DER field reader and the extension reader on their own, without the model's catch-all:
 * anything but CertificateHeaderError `ERR_CERT_INVALID` is a bug the model would mask.
 */
export const derFieldsTarget: FuzzTarget<Uint8Array> = {
  name: 'der-fields',
  description: 'readCertificateFields and readPathExtensions directly on the same mutated DER: only ERR_CERT_INVALID may escape',
  arbitrary: mutatedDer(SEEDS),
  check(bytes) {
    // Both readers run only on bytes that passed the framing check, as in ClientCertificate.
    try {
      assertCertificateFraming(bytes);
    } catch {
      return;
    }
    expectOnly(() => timed(() => readCertificateFields(bytes)), (error) => isCertificateError(error, ['ERR_CERT_INVALID']));
    expectOnly(() => timed(() => readPathExtensions(bytes)), (error) => isCertificateError(error, ['ERR_CERT_INVALID']));
  },
  sliceRuns: 1500,
};
