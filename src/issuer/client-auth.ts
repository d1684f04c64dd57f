import { timingSafeEqual } from 'node:crypto';
import { CertificateChainError, type ChainValidator } from '../certificate/chain.js';
import { CertificateHeaderError } from '../certificate/errors.js';
import type { ClientCertificate } from '../certificate/model.js';
import { certificateSubjectMatches } from '../certificate/subject-match.js';
import { OAuthError } from '../oauth/errors.js';
import type { RevocationChecker } from '../revocation/checker.js';
import { RevocationError } from '../revocation/errors.js';
import { hashSecret, type ClientRegistry, type RegisteredClient, type TokenEndpointAuthMethod } from './clients.js';
import type { FormParameters } from './form.js';

/** What a request offers to authenticate its client. */
export interface AuthenticationInput {
  readonly authorization: string | undefined;
  readonly params: FormParameters;
  readonly certificate: ClientCertificate | undefined;
}

/** A client that proved who it is, how, and with which certificate (if any was presented). */
export interface AuthenticatedClient {
  readonly client: RegisteredClient;
  readonly method: TokenEndpointAuthMethod;
  readonly certificate: ClientCertificate | undefined;
}

/**
 * Every client-authentication failure answers the same public description, so that the answers
 * do not tell which client_ids exist or how each authenticates; the reason goes to the log.
 */
export const CLIENT_AUTHENTICATION_FAILED = 'client authentication failed';
const failed = (reason: string, detail: string) => new OAuthError('invalid_client', CLIENT_AUTHENTICATION_FAILED, { detail: `${reason} (${detail})` });

/** RFC 6749 section 2.3.1: id and secret are form-encoded, joined by ':' and base64-encoded. */
function parseBasic(authorization: string | undefined): { id: string; secret: string } | undefined {
  if (!authorization || !/^basic /i.test(authorization)) return undefined;
  const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  try {
    if (colon < 1) throw new Error('no colon');
    const formDecode = (text: string) => decodeURIComponent(text.replace(/\+/g, ' '));
    return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    throw new OAuthError('invalid_request', 'malformed Basic authorization header');
  }
}

function secretMatches(client: RegisteredClient, secret: string): boolean {
  return client.secretHash !== undefined && timingSafeEqual(hashSecret(secret), client.secretHash);
}

/**
 * Authenticates the client of a token, introspection or revocation request by its registered
 * method: RFC 8705 section 2.1 (PKI), 2.2 (self-signed), RFC 6749 section 2.3.1 (secrets).
 */
export class ClientAuthenticator {
  readonly #registry: ClientRegistry;
  readonly #chain: ChainValidator | undefined;
  readonly #revocation: RevocationChecker | undefined;

  constructor(registry: ClientRegistry, chain: ChainValidator | undefined, revocation?: RevocationChecker) {
    this.#registry = registry;
    this.#chain = chain;
    this.#revocation = revocation;
  }

  /** @throws {OAuthError} `invalid_client` (401) or `invalid_request` */
  async authenticate(input: AuthenticationInput, now: Date): Promise<AuthenticatedClient> {
    const basic = parseBasic(input.authorization);
    const bodyId = input.params.get('client_id');
    const bodySecret = input.params.get('client_secret');
    // RFC 6749 section 2.3: "The client MUST NOT use more than one authentication method in each request."
    if (basic && bodySecret !== undefined) throw new OAuthError('invalid_request', 'use either HTTP Basic or client_secret in the body, not both');
    if (basic && bodyId !== undefined && bodyId !== basic.id) throw new OAuthError('invalid_request', 'client_id in the body differs from the Basic credentials');
    const clientId = basic?.id ?? bodyId;
    if (clientId === undefined) throw failed('client authentication is required', 'no client_id, no Basic credentials');
    const client = this.#registry.get(clientId);
    if (!client) throw failed('client authentication failed', `unknown client_id "${clientId.slice(0, 64)}"`);
    const certificate = input.certificate;
    switch (client.method) {
      case 'client_secret_basic':
        if (!basic) throw failed('this client authenticates with HTTP Basic (client_secret_basic)', 'no Basic credentials');
        if (!secretMatches(client, basic.secret)) throw failed('client authentication failed', 'wrong client secret (basic)');
        break;
      case 'client_secret_post':
        if (basic || bodySecret === undefined) throw failed('this client authenticates with client_secret in the body (client_secret_post)', 'no client_secret parameter');
        if (!secretMatches(client, bodySecret)) throw failed('client authentication failed', 'wrong client secret (post)');
        break;
      case 'tls_client_auth':
      case 'self_signed_tls_client_auth':
        if (basic || bodySecret !== undefined) throw failed(`this client authenticates with its certificate (${client.method})`, 'a secret was sent');
        if (!certificate) throw failed(`a client certificate is required (${client.method})`, 'no certificate presented');
        if (client.method === 'tls_client_auth') await this.#checkPki(client, certificate, now);
        else this.#checkSelfSigned(client, certificate, now);
        break;
    }
    return { client, method: client.method, certificate };
  }

  async #checkPki(client: RegisteredClient, certificate: ClientCertificate, now: Date): Promise<void> {
    try {
      // RFC 8705 section 2.1: the chain is validated against the trust anchors, then the subject matched.
      const { path } = this.#chain!.validate(certificate, now);
      if (!certificateSubjectMatches(certificate, client.expectedSubject!)) {
        throw failed('the client certificate does not match the registered subject', `expected ${client.expectedSubject!.kind}, certificate ${certificate.subject}`);
      }
      // RFC 5280 section 6.3: revocation is checked on the validated path, each certificate against its issuer.
      await this.#revocation?.check(path, now);
    } catch (error) {
      if (error instanceof RevocationError) {
        throw failed(error.code === 'ERR_CHAIN_REVOKED' ? 'the client certificate is revoked' : 'the revocation status of the client certificate is unknown', `${error.code}: ${error.message}`);
      }
      if (error instanceof CertificateChainError) throw failed('the client certificate is not trusted', `${error.code}: ${error.message}`);
      if (error instanceof CertificateHeaderError) throw failed('the client certificate cannot be read', `${error.code}: ${error.message}`);
      throw error;
    }
  }

  #checkSelfSigned(client: RegisteredClient, certificate: ClientCertificate, now: Date): void {
    // RFC 8705 section 2.2: the certificate must be one the client registered; no chain building.
    if (!client.certificateThumbprints!.has(certificate.thumbprint)) {
      throw failed('the client certificate is not one registered for this client', `x5t#S256 ${certificate.thumbprint}`);
    }
    try {
      if (now < certificate.notBefore || now > certificate.notAfter) throw failed('the client certificate is outside its validity period', 'validity');
    } catch (error) {
      if (error instanceof CertificateHeaderError) throw failed('the client certificate cannot be read', error.code);
      throw error;
    }
  }
}
