import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { CertificateChainError, ChainValidator, type CertificateInput } from '../certificate/chain.js';
import { CertificateHeaderError } from '../certificate/errors.js';
import type { ClientCertificate } from '../certificate/model.js';
import { certificateSubjectMatches as subjectMatches, type ExpectedSubject } from '../certificate/subject-match.js';
import { defaultLogger, type Logger } from '../log.js';
import type { ClientCertificateVerification } from '../proxy/request.js';
import { certificateFromTlsSocket, type TlsClientCertificate } from '../proxy/tls.js';
import { compileAdapterOptions, type OidcProviderMtlsOptions } from './oidc-provider-options.js';
import { SubjectRegistrations } from './subject-registrations.js';

export type { OidcProviderMtlsOptions } from './oidc-provider-options.js';
export { OIDC_PROVIDER_MTLS_DEFAULTS } from './oidc-provider-options.js';

/**
 * The part of node-oidc-provider's Koa context the hooks read: the Node request (which, with the
 * provider mounted in Express, is Express's `req`) and its socket. oidc-provider is an optional
 * peer dependency: nothing here imports it.
 */
export interface OidcProviderContext {
  readonly req: IncomingMessage & {
    clientCertificate?: ClientCertificate;
    clientCertificateVerification?: ClientCertificateVerification;
  };
  readonly socket?: Socket;
}

/** The `tls_client_auth_*` client metadata that oidc-provider asks `certificateSubjectMatches` about (RFC 8705 section 2.1.2). */
export type TlsClientAuthSubjectProperty =
  | 'tls_client_auth_subject_dn'
  | 'tls_client_auth_san_dns'
  | 'tls_client_auth_san_uri'
  | 'tls_client_auth_san_ip'
  | 'tls_client_auth_san_email';

/** The three `features.mTLS` helpers of node-oidc-provider 9, ready to spread into its configuration. */
export interface OidcProviderMtlsHelpers {
  /** The client certificate as PEM, or undefined when no trusted source supplied one. */
  getCertificate(ctx: OidcProviderContext): string | undefined;
  /** Whether the certificate chains to the trust anchors (or, with `verification: 'proxy'`, the proxy verified it). */
  certificateAuthorized(ctx: OidcProviderContext): boolean;
  /** Whether the certificate carries the subject DN or SAN the client registered under `property`. */
  certificateSubjectMatches(ctx: OidcProviderContext, property: string, expected: string): boolean;
  /**
   * With `revocation`: Express middleware that checks the request's certificate (validated path)
   * for revocation before the provider runs; `certificateAuthorized` reads its verdict. Not
   * enumerable, so `...oidcProviderMtls(options)` in `features.mTLS` does not copy it.
   */
  readonly checkRevocation?: (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;
}

/** What `checkRevocation` found for one request. */
type RevocationVerdict = { readonly ok: true } | { readonly ok: false; readonly code: string; readonly detail: string };

const PROPERTY_KINDS: Readonly<Record<TlsClientAuthSubjectProperty, ExpectedSubject['kind']>> = {
  tls_client_auth_subject_dn: 'subject_dn',
  tls_client_auth_san_dns: 'san_dns',
  tls_client_auth_san_uri: 'san_uri',
  tls_client_auth_san_ip: 'san_ip',
  tls_client_auth_san_email: 'san_email',
};

/**
 * The `features.mTLS` helpers of node-oidc-provider 9 (`getCertificate`, `certificateAuthorized`,
 * `certificateSubjectMatches`), fed by `clientCertificate()`:
 * ```ts
 * app.use(clientCertificate({ trustedProxies: '127.0.0.1', verifyHeader: 'x-ssl-client-verify' }));
 * const provider = new Provider(issuer, { features: { mTLS: { enabled: true, tlsClientAuth: true,
 *   certificateBoundAccessTokens: true, ...oidcProviderMtls({ trustAnchors: readFileSync('ca.pem', 'utf8') }) } } });
 * app.use(provider.callback());
 * ```
 * Options (each ends with its default):
 * - `source`: `'middleware'` reads `req.clientCertificate` set by `clientCertificate()` (it is set only
 *   for a trusted proxy's header or this process's TLS socket); `'tls'` reads the TLS socket of the
 *   provider's own https server. Default `'middleware'`.
 * - `verification`: `'chain'` validates the chain against `trustAnchors` (+ `intermediates`), its
 *   validity and key usage, as mtls-pop's token endpoint does; `'proxy'` believes the verify result
 *   the proxy (or the TLS socket) reported, `SUCCESS` only. Default `'chain'`.
 * - `trustAnchors`, `intermediates`, `maxChainLength`: as `authorizationServer`; `trustAnchors` is
 *   required with `verification: 'chain'` and refused with `'proxy'`. Defaults: none, none, 5.
 * - `logger`: one line per refused certificate. Default: mtls-pop's pino logger.
 *
 * The hooks never throw on hostile input: they answer undefined / false (fail closed) and log why,
 * and oidc-provider answers `invalid_client` or `invalid_grant`.
 * @throws {TypeError} at construction, for unknown keys (with a hint) or invalid values
 * @see RFC 8705 section 2.1 (PKI method), 2.2 (self-signed method), 3 (certificate-bound tokens)
 */
export function oidcProviderMtls(options: OidcProviderMtlsOptions): OidcProviderMtlsHelpers {
  const compiled = compileAdapterOptions(options);
  const logger: Logger = compiled.logger ?? defaultLogger();
  const validator = compiled.verification === 'chain' ? chainValidator(compiled.trustAnchors!, compiled.intermediates, compiled.maxChainLength) : undefined;
  const registrations = new SubjectRegistrations();
  // One socket read per request: oidc-provider calls getCertificate two or three times per token request.
  const fromSocket = new WeakMap<IncomingMessage, TlsClientCertificate | undefined>();

  function tls(ctx: OidcProviderContext): TlsClientCertificate | undefined {
    if (fromSocket.has(ctx.req)) return fromSocket.get(ctx.req);
    let read: TlsClientCertificate | undefined;
    try {
      read = certificateFromTlsSocket(ctx.socket ?? ctx.req.socket);
    } catch (error) {
      if (!(error instanceof CertificateHeaderError)) throw error;
      logger.warn({ code: error.code, peer: ctx.req.socket?.remoteAddress }, 'oidc-provider mTLS: unreadable TLS client certificate');
    }
    fromSocket.set(ctx.req, read);
    return read;
  }

  function certificateOf(ctx: OidcProviderContext): ClientCertificate | undefined {
    return compiled.source === 'tls' ? tls(ctx)?.certificate : ctx.req.clientCertificate;
  }

  function verificationOf(ctx: OidcProviderContext): ClientCertificateVerification | undefined {
    return compiled.source === 'tls' ? tls(ctx)?.verification : ctx.req.clientCertificateVerification;
  }

  const verdicts = new WeakMap<IncomingMessage, { certificate: ClientCertificate; verdict: RevocationVerdict }>();

  function refuse(ctx: OidcProviderContext, certificate: ClientCertificate | undefined, fields: object, message: string): false {
    logger.warn({ ...fields, thumbprint: certificate?.thumbprint, peer: ctx.req.socket?.remoteAddress }, `oidc-provider mTLS: ${message}`);
    return false;
  }

  const helpers: OidcProviderMtlsHelpers = {
    getCertificate(ctx) {
      return certificateOf(ctx)?.pem;
    },

    certificateAuthorized(ctx) {
      const certificate = certificateOf(ctx);
      if (!certificate) return refuse(ctx, undefined, { code: 'ERR_CERTIFICATE_ABSENT' }, 'no client certificate');
      if (!validator) {
        const verification = verificationOf(ctx);
        // "A certificate is present" and "the proxy verified it" are separate facts: only SUCCESS counts.
        if (verification?.status === 'SUCCESS') return true;
        return refuse(ctx, certificate, { code: 'ERR_PROXY_NOT_VERIFIED', status: verification?.status ?? 'UNKNOWN', reason: verification?.reason }, 'the proxy did not verify the client certificate');
      }
      try {
        // RFC 8705 section 2.1: the chain is validated against the configured trust anchors.
        validator.validate(certificate);
        if (!compiled.revocation) return true;
        const seen = verdicts.get(ctx.req);
        if (!seen || seen.certificate !== certificate) {
          return refuse(ctx, certificate, { code: 'ERR_REVOCATION_UNKNOWN', detail: 'checkRevocation did not run for this request: mount helpers.checkRevocation in front of the provider' }, 'client certificate revocation not checked');
        }
        if (seen.verdict.ok) return true;
        return refuse(ctx, certificate, { code: seen.verdict.code, detail: seen.verdict.detail }, 'client certificate refused by the revocation check');
      } catch (error) {
        if (error instanceof CertificateChainError) return refuse(ctx, certificate, { code: error.code, detail: error.message }, 'client certificate not trusted');
        if (error instanceof CertificateHeaderError) return refuse(ctx, certificate, { code: error.code }, 'client certificate unreadable');
        throw error;
      }
    },

    certificateSubjectMatches(ctx, property, expected) {
      const certificate = certificateOf(ctx);
      if (!certificate) return refuse(ctx, undefined, { code: 'ERR_CERTIFICATE_ABSENT', property }, 'no client certificate');
      if (!Object.hasOwn(PROPERTY_KINDS, property)) {
        logger.error({ property }, 'oidc-provider mTLS: certificateSubjectMatches asked about an unknown property');
        return false;
      }
      const wanted = registrations.expected(PROPERTY_KINDS[property as TlsClientAuthSubjectProperty], expected);
      if (wanted instanceof Error) {
        logger.error({ property, code: 'ERR_DN_SYNTAX', detail: wanted.message }, 'oidc-provider mTLS: the registered subject cannot be parsed');
        return false;
      }
      try {
        if (subjectMatches(certificate, wanted)) return true;
      } catch (error) {
        if (!(error instanceof CertificateHeaderError)) throw error;
        return refuse(ctx, certificate, { code: error.code, property }, 'client certificate unreadable');
      }
      return refuse(ctx, certificate, { code: 'ERR_SUBJECT_MISMATCH', property }, 'client certificate does not carry the registered subject');
    },
  };
  if (validator && compiled.revocation) {
    const checker = compiled.revocation;
    const checkRevocation = (req: IncomingMessage, _res: ServerResponse, next: (error?: unknown) => void): void => {
      const certificate = certificateOf({ req });
      if (!certificate) return next();
      const now = new Date();
      let path: readonly ClientCertificate[];
      try {
        path = validator.validate(certificate, now).path;
      } catch {
        return next(); // certificateAuthorized refuses it and logs why
      }
      // RFC 5280 section 6.3 on the validated path; the verdict waits for certificateAuthorized.
      checker.check(path, now).then(() => verdicts.set(req, { certificate, verdict: { ok: true } }), (error: unknown) => {
        const code = (error as { code?: unknown } | null)?.code;
        verdicts.set(req, { certificate, verdict: { ok: false, code: typeof code === 'string' ? code : 'ERR_REVOCATION_UNKNOWN', detail: (error as Error)?.message?.slice(0, 600) ?? String(error) } });
      }).then(() => next(), next);
    };
    Object.defineProperty(helpers, 'checkRevocation', { value: checkRevocation, enumerable: false });
  }
  return helpers;
}

function chainValidator(trustAnchors: CertificateInput, intermediates: CertificateInput | undefined, maxChainLength: number): ChainValidator {
  try {
    return new ChainValidator({ trustAnchors, intermediates, maxChainLength });
  } catch (error) {
    if (error instanceof TypeError) throw new TypeError(`oidcProviderMtls: ${error.message}`);
    throw error;
  }
}
