import { X509Certificate } from 'node:crypto';
import { issueCertificate } from '../pki/index.js';
import { thumbprint } from '../certificate/thumbprint.js';

/** A certificate doctor makes for itself: never issued by the deployment's CA, never written to disk. */
export interface ThrowawayCertificate {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
  readonly der: Buffer;
  readonly thumbprint: string;
  /** A run of at least 24 base64 characters without `+ / =`: found in every encoding of the certificate. */
  readonly marker: string;
}

/**
 * A self-signed client certificate with a fresh key: the "unknown CA" client, and the
 * certificate inside every forged header (so that a forged header that reaches the app shows
 * up as this thumbprint, which no real client has).
 */
export async function throwawayCertificate(): Promise<ThrowawayCertificate> {
  const issued = await issueCertificate({ subject: 'CN=mtls-pop doctor throwaway, O=not a real client', profile: 'client', days: 1 });
  const der = Buffer.from(new X509Certificate(issued.certificatePem).raw);
  return { certificatePem: issued.certificatePem, privateKeyPem: issued.privateKeyPem, der, thumbprint: thumbprint(der), marker: markerOf(der) };
}

function markerOf(der: Buffer): string {
  // The signature and public key are random: their base64 is unique to this certificate. A PEM
  // breaks its base64 into lines of 64: the marker must sit inside one line.
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  const runs = lines.slice(0, -1).flatMap((line) => line.split(/[+/=]/)).filter((run) => run.length >= 24);
  const longest = runs.sort((a, b) => b.length - a.length)[0];
  if (!longest) throw new Error('doctor: no marker run in the throwaway certificate');
  return longest.slice(0, 32);
}
