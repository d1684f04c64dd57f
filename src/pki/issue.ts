import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { ALGORITHMS, generateKeyPair, privateKeyPem, type KeyType } from './algorithms.js';

/** Subject alternative names of a new certificate, as the CLI's `--dns --uri --ip --email` give them. */
export interface SubjectAltNameInput {
  dns?: readonly string[];
  uri?: readonly string[];
  ip?: readonly string[];
  email?: readonly string[];
}

/** A CA able to sign: its certificate and private key. */
export interface CertificateAuthority {
  certificate: x509.X509Certificate;
  privateKey: CryptoKey;
  keyType: KeyType;
}

export interface IssueOptions {
  /** Distinguished name, e.g. `CN=client, O=Example`. */
  subject: string;
  /** `ca`, `client` (clientAuth) or `server` (serverAuth). */
  profile: 'ca' | 'client' | 'server';
  /** Default `ec-p256`. */
  keyType?: KeyType;
  /** Signing CA; absent => self-signed. */
  issuer?: CertificateAuthority;
  san?: SubjectAltNameInput;
  /** Validity in days from now (starts one hour ago for clock skew). Default 825 for leaves, 3650 for a CA. */
  days?: number;
  /** Exact validity instead of `days` (test fixtures: expired, not yet valid). */
  validity?: { notBefore: Date; notAfter: Date };
  /** CA only: RFC 5280 section 4.2.1.9 pathLenConstraint; `null` for none (a root over intermediates). Default 0. */
  pathLength?: number | null;
}

export interface IssuedCertificate {
  certificate: x509.X509Certificate;
  certificatePem: string;
  privateKey: CryptoKey;
  privateKeyPem: string;
  keyType: KeyType;
}

function generalNames(san: SubjectAltNameInput = {}): x509.JsonGeneralNames {
  return [
    ...(san.dns ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(san.uri ?? []).map((value) => ({ type: 'url' as const, value })),
    ...(san.ip ?? []).map((value) => ({ type: 'ip' as const, value })),
    ...(san.email ?? []).map((value) => ({ type: 'email' as const, value })),
  ];
}

/** Issues one certificate (and its new key pair) with @peculiar/x509. */
export async function issueCertificate(options: IssueOptions): Promise<IssuedCertificate> {
  const keyType = options.keyType ?? 'ec-p256';
  const keys = await generateKeyPair(keyType);
  const isCa = options.profile === 'ca';
  const extensions: x509.Extension[] = [];
  if (isCa) {
    extensions.push(new x509.BasicConstraintsExtension(true, options.pathLength === null ? undefined : options.pathLength ?? 0, true));
    extensions.push(new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true));
  } else {
    extensions.push(new x509.BasicConstraintsExtension(false, undefined, true));
    const encipher = keyType === 'rsa-2048' ? x509.KeyUsageFlags.keyEncipherment : 0;
    extensions.push(new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | encipher, true));
    const usage = options.profile === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth;
    extensions.push(new x509.ExtendedKeyUsageExtension([usage], false));
  }
  const names = generalNames(options.san);
  if (names.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(names, false));
  extensions.push(await x509.SubjectKeyIdentifierExtension.create(keys.publicKey));
  if (options.issuer) extensions.push(await x509.AuthorityKeyIdentifierExtension.create(options.issuer.certificate, false));

  const now = Date.now();
  const days = options.days ?? (isCa ? 3650 : 825);
  // A positive serial of 16 random bytes (RFC 5280 section 4.1.2.2: at most 20 octets).
  const serial = randomBytes(16);
  serial[0] = serial[0]! & 0x7f | 0x10;
  const common = {
    serialNumber: serial.toString('hex'),
    notBefore: options.validity?.notBefore ?? new Date(now - 3600 * 1000),
    notAfter: options.validity?.notAfter ?? new Date(now + days * 24 * 3600 * 1000),
    signingAlgorithm: ALGORITHMS[options.issuer?.keyType ?? keyType].sign,
    extensions,
  };
  const certificate = options.issuer
    ? await x509.X509CertificateGenerator.create({
        ...common,
        subject: options.subject,
        issuer: options.issuer.certificate.subject,
        publicKey: keys.publicKey,
        signingKey: options.issuer.privateKey,
      })
    : await x509.X509CertificateGenerator.createSelfSigned({ ...common, name: options.subject, keys });
  return {
    certificate,
    certificatePem: certificate.toString('pem') + '\n',
    privateKey: keys.privateKey,
    privateKeyPem: await privateKeyPem(keys.privateKey),
    keyType,
  };
}
