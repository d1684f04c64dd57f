import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { DistinguishedNameSyntaxError, parseDistinguishedName } from '../certificate/distinguished-name.js';
import { ClientCertificate } from '../certificate/model.js';
import { decodeBase64Strict } from '../certificate/pem.js';
import { canonicalIp, type ExpectedSubject } from '../certificate/subject-match.js';
import { parseJsonText } from '../lib/json-text.js';
import { didYouMean } from './did-you-mean.js';
import { isAbsoluteUriWithoutFragment } from './resource-indicator.js';

/** RFC 7591 section 2 / RFC 8705 section 2.1.1 and 2.2.1 client authentication methods. */
export type TokenEndpointAuthMethod = 'tls_client_auth' | 'self_signed_tls_client_auth' | 'client_secret_basic' | 'client_secret_post';
export const TOKEN_ENDPOINT_AUTH_METHODS: readonly TokenEndpointAuthMethod[] = ['tls_client_auth', 'self_signed_tls_client_auth', 'client_secret_basic', 'client_secret_post'];

/** One registry entry as written in the JSON file (RFC 7591 / RFC 8705 metadata names). */
export interface ClientMetadata {
  client_id: string;
  client_name?: string;
  token_endpoint_auth_method: TokenEndpointAuthMethod;
  tls_client_auth_subject_dn?: string;
  tls_client_auth_san_dns?: string;
  tls_client_auth_san_uri?: string;
  tls_client_auth_san_ip?: string;
  tls_client_auth_san_email?: string;
  jwks?: { keys: { x5c?: string[] }[] };
  tls_client_certificate_bound_access_tokens?: boolean;
  scope?: string;
  grant_types?: string[];
  client_secret?: string;
  client_secret_sha256?: string;
  allowed_resources?: string[];
}

/** A validated client, ready for the request path. */
export interface RegisteredClient {
  readonly clientId: string;
  readonly method: TokenEndpointAuthMethod;
  readonly expectedSubject?: ExpectedSubject;
  readonly certificateThumbprints?: ReadonlySet<string>;
  readonly secretHash?: Buffer;
  readonly boundTokens: boolean;
  readonly scopes: readonly string[];
  readonly allowedResources?: ReadonlySet<string>;
  readonly grantTypes: readonly string[];
}

const FIELDS = ['client_id', 'client_name', 'token_endpoint_auth_method', 'tls_client_auth_subject_dn', 'tls_client_auth_san_dns',
  'tls_client_auth_san_uri', 'tls_client_auth_san_ip', 'tls_client_auth_san_email', 'jwks', 'tls_client_certificate_bound_access_tokens',
  'scope', 'grant_types', 'client_secret', 'client_secret_sha256', 'allowed_resources'];
const SUBJECT_FIELDS = ['subject_dn', 'san_dns', 'san_uri', 'san_ip', 'san_email'] as const;
// RFC 6749 section 3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
export const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/** SHA-256 of a client secret. Secrets must be high-entropy random strings; this is not a password hash. */
export const hashSecret = (secret: string): Buffer => createHash('sha256').update(secret, 'utf8').digest();

function expectedSubject(entry: ClientMetadata, where: string): ExpectedSubject | undefined {
  const present = SUBJECT_FIELDS.filter((kind) => entry[`tls_client_auth_${kind}`] !== undefined);
  if (entry.token_endpoint_auth_method !== 'tls_client_auth') {
    if (present.length) throw new TypeError(`${where}: tls_client_auth_${present[0]} is only for token_endpoint_auth_method "tls_client_auth"`);
    return undefined;
  }
  // RFC 8705 section 2.1.2: exactly one of these parameters indicates the expected subject.
  if (present.length !== 1) {
    throw new TypeError(`${where}: tls_client_auth needs exactly one of ${SUBJECT_FIELDS.map((kind) => `tls_client_auth_${kind}`).join(', ')} (found ${present.length})`);
  }
  const kind = present[0]!;
  const value = entry[`tls_client_auth_${kind}`];
  if (typeof value !== 'string' || value.length === 0) throw new TypeError(`${where}: tls_client_auth_${kind} must be a non-empty string`);
  if (kind === 'subject_dn') {
    try {
      return { kind, value: parseDistinguishedName(value) };
    } catch (error) {
      if (error instanceof DistinguishedNameSyntaxError) throw new TypeError(`${where}: tls_client_auth_subject_dn: ${error.message}`);
      throw error;
    }
  }
  if (kind === 'san_ip' && canonicalIp(value) === undefined) throw new TypeError(`${where}: tls_client_auth_san_ip "${value}" is not an IPv4 or IPv6 address`);
  return { kind, value };
}

function selfSignedThumbprints(entry: ClientMetadata, where: string): ReadonlySet<string> | undefined {
  if (entry.token_endpoint_auth_method !== 'self_signed_tls_client_auth') return undefined;
  // RFC 8705 section 2.2.2: the certificates are registered as x5c members of the client's jwks.
  const keys = entry.jwks?.keys;
  if (!Array.isArray(keys) || keys.length === 0) throw new TypeError(`${where}: self_signed_tls_client_auth needs jwks.keys with x5c certificates`);
  return new Set(keys.map((key, index) => {
    const first = key?.x5c?.[0];
    if (typeof first !== 'string') throw new TypeError(`${where}: jwks.keys[${index}] has no x5c certificate`);
    try {
      // RFC 7517 section 4.7: x5c values are base64 (not base64url) DER.
      return ClientCertificate.fromDer(decodeBase64Strict(first)).validate().thumbprint;
    } catch (error) {
      throw new TypeError(`${where}: jwks.keys[${index}].x5c[0]: ${(error as Error).message}`);
    }
  }));
}

function secretHash(entry: ClientMetadata, where: string): Buffer | undefined {
  const isSecretMethod = entry.token_endpoint_auth_method.startsWith('client_secret_');
  const given = [entry.client_secret, entry.client_secret_sha256].filter((value) => value !== undefined);
  if (!isSecretMethod) {
    if (given.length) throw new TypeError(`${where}: a client secret is not used with ${entry.token_endpoint_auth_method}`);
    return undefined;
  }
  if (given.length !== 1) throw new TypeError(`${where}: ${entry.token_endpoint_auth_method} needs exactly one of client_secret, client_secret_sha256`);
  if (entry.client_secret !== undefined) {
    if (typeof entry.client_secret !== 'string' || entry.client_secret.length < 16) throw new TypeError(`${where}: client_secret must be a string of at least 16 characters`);
    return hashSecret(entry.client_secret);
  }
  const hash = Buffer.from(String(entry.client_secret_sha256), 'base64url');
  if (hash.length !== 32) throw new TypeError(`${where}: client_secret_sha256 must be the base64url SHA-256 of the secret (32 bytes)`);
  return hash;
}

/** Validates one registry entry; every message names the client and the field. */
export function compileClient(value: unknown, index: number): RegisteredClient {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new TypeError(`clients[${index}] must be an object`);
  const entry = value as ClientMetadata;
  const where = typeof entry.client_id === 'string' ? `client "${entry.client_id}"` : `clients[${index}]`;
  if (typeof entry.client_id !== 'string' || entry.client_id.length === 0 || entry.client_id.length > 256) throw new TypeError(`${where}: client_id must be a non-empty string`);
  for (const key of Object.keys(entry)) if (!FIELDS.includes(key)) throw new TypeError(`${where}: unknown field "${key}"${didYouMean(key, FIELDS)}`);
  if (!TOKEN_ENDPOINT_AUTH_METHODS.includes(entry.token_endpoint_auth_method)) {
    throw new TypeError(`${where}: token_endpoint_auth_method must be one of ${TOKEN_ENDPOINT_AUTH_METHODS.join(', ')}`);
  }
  const scopes = entry.scope === undefined ? [] : String(entry.scope).split(' ').filter(Boolean);
  if (entry.scope !== undefined && (typeof entry.scope !== 'string' || !scopes.every((scope) => SCOPE_TOKEN.test(scope)))) {
    throw new TypeError(`${where}: scope must be a space-separated list of scope tokens (RFC 6749 section 3.3)`);
  }
  if (entry.tls_client_certificate_bound_access_tokens !== undefined && typeof entry.tls_client_certificate_bound_access_tokens !== 'boolean') {
    throw new TypeError(`${where}: tls_client_certificate_bound_access_tokens must be a boolean`);
  }
  const grantTypes = entry.grant_types ?? ['client_credentials'];
  if (!Array.isArray(grantTypes) || !grantTypes.every((grant) => typeof grant === 'string')) throw new TypeError(`${where}: grant_types must be an array of strings`);
  let allowedResources: ReadonlySet<string> | undefined;
  if (entry.allowed_resources !== undefined) {
    if (!Array.isArray(entry.allowed_resources) || !entry.allowed_resources.every((uri) => typeof uri === 'string' && isAbsoluteUriWithoutFragment(uri))) {
      throw new TypeError(`${where}: allowed_resources must be an array of absolute URIs without fragment (RFC 8707 section 2)`);
    }
    allowedResources = new Set(entry.allowed_resources);
  }
  const isCertificateMethod = entry.token_endpoint_auth_method.endsWith('tls_client_auth');
  return {
    clientId: entry.client_id,
    method: entry.token_endpoint_auth_method,
    expectedSubject: expectedSubject(entry, where),
    certificateThumbprints: selfSignedThumbprints(entry, where),
    secretHash: secretHash(entry, where),
    // RFC 8705 section 3.4: the registration says whether tokens are bound; certificate clients default to bound.
    boundTokens: entry.tls_client_certificate_bound_access_tokens ?? isCertificateMethod,
    scopes,
    allowedResources,
    grantTypes,
  };
}

/** The client registry: validated once at start-up, read-only afterwards. */
export class ClientRegistry {
  readonly #clients: ReadonlyMap<string, RegisteredClient>;

  constructor(entries: unknown) {
    const list = Array.isArray(entries) ? entries : (entries as { clients?: unknown } | null)?.clients;
    if (!Array.isArray(list)) throw new TypeError('the client registry must be an array of clients or { "clients": [ ... ] }');
    const clients = new Map<string, RegisteredClient>();
    list.forEach((entry, index) => {
      const client = compileClient(entry, index);
      if (clients.has(client.clientId)) throw new TypeError(`client "${client.clientId}" is registered twice`);
      clients.set(client.clientId, client);
    });
    this.#clients = clients;
  }

  /** The registry in a JSON file. */
  static async fromFile(file: string): Promise<ClientRegistry> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new TypeError(`client registry ${file}: ${(error as Error).message}`);
    }
    let parsed: unknown;
    try {
      parsed = parseJsonText(text, `client registry ${file}`);
    } catch (error) {
      // The text may hold client secrets: the message names the line and column only.
      throw new TypeError((error as Error).message);
    }
    return new ClientRegistry(parsed);
  }

  get(clientId: string): RegisteredClient | undefined {
    return this.#clients.get(clientId);
  }

  /** The methods some client uses, for `token_endpoint_auth_methods_supported`. */
  get methods(): TokenEndpointAuthMethod[] {
    return TOKEN_ENDPOINT_AUTH_METHODS.filter((method) => [...this.#clients.values()].some((client) => client.method === method));
  }

  /** Every scope some client may request, for `scopes_supported`. */
  get scopes(): string[] {
    return [...new Set([...this.#clients.values()].flatMap((client) => client.scopes))].sort();
  }

  get size(): number {
    return this.#clients.size;
  }
}
