/** What a format decoder hands back: DER bytes, before any X.509 parse. */
export interface DecodedCertificates {
  /** The client's own certificate. */
  readonly leaf: Buffer;
  /** Intermediates carried in the same value (Traefik, AWS ALB passthrough, Envoy `Chain`), leaf excluded. */
  readonly chain: readonly Buffer[];
}

/**
 * One forwarding format: a pure function from the header value to DER bytes.
 * `decodeChain` reads one value of a separate chain header; formats without one leave it out.
 */
export interface FormatDecoder {
  decode(value: string): DecodedCertificates;
  decodeChain?(value: string): readonly Buffer[];
}
