import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { resolve } from 'node:path';
import { parse, requiredOption, stringOption, UsageError, integerOption } from './args.js';
import type { Command, CommandIo } from './io.js';

const HELP = `Usage: mtls-pop token --cert FILE --key FILE --url TOKEN_ENDPOINT [options]

Requests an access token with the client_credentials grant (RFC 6749 section 4.4) over a
mutual-TLS connection (RFC 8705 section 2) and prints the response with the JWT's header and
claims decoded, including cnf["x5t#S256"], the thumbprint the token is bound to.

Options:
  --cert FILE        client certificate (PEM; may hold the chain after the leaf)
  --key FILE         its private key (PEM); read locally, never printed or sent
  --ca FILE          CA certificates that sign the server's certificate (default: system CAs)
  --url URL          token endpoint, e.g. https://localhost:8443/token
  --client-id ID     client_id to send (RFC 8705 section 2: required with tls_client_auth)
  --scope SCOPE      requested scope, space-separated
  --resource URI     RFC 8707 resource indicator (becomes the token's aud); repeatable
  --raw              print only the access token (for TOKEN=$(mtls-pop token ... --raw))
  --timeout SECONDS  give up after this long (default 10)
  -h, --help         this help

Exit codes: 0 token issued, 1 refused or unreachable (one line on stderr), 2 wrong arguments.
`;

function readPem(flag: string, file: string, io: CommandIo): string {
  try {
    return readFileSync(resolve(io.cwd, file), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read --${flag} ${file}: ${code === 'ENOENT' ? 'no such file' : code ?? (error as Error).message}`);
  }
}

/** The header and claims of a compact JWS, or undefined when the token is opaque. */
export function decodeJwt(token: string): { header: unknown; claims: unknown } | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    return {
      header: JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')),
      claims: JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')),
    };
  } catch {
    return undefined;
  }
}

interface Response {
  status: number;
  body: string;
}

function post(url: URL, body: string, tls: { cert: string; key: string; ca?: string }, timeoutMs: number): Promise<Response> {
  return new Promise((resolvePromise, reject) => {
    const req = request(url, {
      method: 'POST',
      ...tls,
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', 'content-length': Buffer.byteLength(body) },
      timeout: timeoutMs,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    req.on('error', reject);
    req.end(body);
  });
}

export const tokenCommand: Command = {
  name: 'token',
  summary: 'request a certificate-bound access token over mTLS and print it decoded',
  help: HELP,
  async run(argv, io) {
    const parsed = parse(argv, {
      cert: { type: 'string' }, key: { type: 'string' }, ca: { type: 'string' }, url: { type: 'string' },
      'client-id': { type: 'string' }, scope: { type: 'string' }, resource: { type: 'string', multiple: true },
      raw: { type: 'boolean' }, timeout: { type: 'string' },
    }, 0);
    if (parsed.help) {
      io.stdout(HELP);
      return 0;
    }
    const urlText = requiredOption(parsed, 'url');
    let url: URL;
    try {
      url = new URL(urlText);
    } catch {
      throw new UsageError(`--url '${urlText}' is not an absolute URL`);
    }
    if (url.protocol !== 'https:') throw new UsageError('--url must be https:// (the client certificate is presented in the TLS handshake)');
    const tls = { cert: readPem('cert', requiredOption(parsed, 'cert'), io), key: readPem('key', requiredOption(parsed, 'key'), io) };
    const caFile = stringOption(parsed, 'ca');
    const timeout = (integerOption(parsed, 'timeout', 1, 600) ?? 10) * 1000;

    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    const clientId = stringOption(parsed, 'client-id');
    if (clientId) form.set('client_id', clientId);
    const scope = stringOption(parsed, 'scope');
    if (scope) form.set('scope', scope);
    for (const resource of (parsed.values.resource as string[] | undefined) ?? []) form.append('resource', resource);

    let response: Response;
    try {
      response = await post(url, form.toString(), { ...tls, ...(caFile ? { ca: readPem('ca', caFile, io) } : {}) }, timeout);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      io.stderr(`mtls-pop token: ${url.origin} unreachable: ${code ? `${code}: ` : ''}${(error as Error).message.split('\n')[0]}\n`);
      return 1;
    }
    let json: Record<string, unknown> | undefined;
    try {
      json = JSON.parse(response.body) as Record<string, unknown>;
    } catch {
      json = undefined;
    }
    if (response.status !== 200 || !json || typeof json.access_token !== 'string') {
      const detail = json && typeof json.error === 'string' ? `${json.error}${typeof json.error_description === 'string' ? `: ${json.error_description}` : ''}` : response.body.slice(0, 200).replace(/\s+/g, ' ');
      // The server answers every failed client authentication alike (it must not tell which
      // client_ids exist); the one mistake the CLI can see for itself is a missing --client-id.
      const hint = response.status === 401 && clientId === undefined
        ? '; no --client-id was sent: RFC 8705 section 2 clients send their client_id (the certificate alone does not name the client)'
        : '';
      io.stderr(`mtls-pop token: the token endpoint answered ${response.status}: ${detail}${hint}\n`);
      return 1;
    }
    if (parsed.values.raw === true) {
      io.stdout(`${json.access_token}\n`);
      return 0;
    }
    const decoded = decodeJwt(json.access_token);
    io.stdout(`${JSON.stringify({ response: json, ...(decoded ? { jwt: decoded } : { jwt: 'opaque token (not a JWT)' }) }, null, 2)}\n`);
    return 0;
  },
};
