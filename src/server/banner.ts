import { relative, sep } from 'node:path';

export interface BannerInput {
  mode: 'tls' | 'behind-proxy';
  /** Where this process listens (https in tls mode, http behind a proxy). */
  listenUrl: string;
  /** The issuer identifier clients see. */
  issuer: string;
  /** Base URL of the mTLS endpoint aliases (RFC 8705 section 5). */
  mtlsBase: string;
  stateDir: string;
  /** The sample API as clients reach it. */
  apiUrl: string;
  /** Development files, when the demo client exists. */
  demo?: { ca: string; certificate: string; key: string; clientId: string; scope: string } | undefined;
  cwd: string;
}

/** A path as short as it can be for a copy-paste command, quoted for a POSIX shell when needed. */
export function shellPath(file: string, cwd: string): string {
  const near = relative(cwd, file);
  const shown = near && !near.startsWith(`..${sep}`) && near !== '..' ? near : file;
  return /^[\w./@:+=,-]+$/.test(shown) ? shown : `'${shown.replace(/'/g, `'\\''`)}'`;
}

/** The two copy-paste commands: a bound token, then the API called with it and the same certificate. */
export function curlCommands(input: { ca: string; certificate: string; key: string; clientId: string; scope: string; tokenUrl: string; apiUrl: string }, cwd: string): { token: string; api: string } {
  const tls = `--cacert ${shellPath(input.ca, cwd)} --cert ${shellPath(input.certificate, cwd)} --key ${shellPath(input.key, cwd)}`;
  const token = `curl -sS ${tls} -d grant_type=client_credentials -d client_id=${input.clientId} -d scope=${input.scope} ${input.tokenUrl}`;
  const extract = `node -p 'JSON.parse(require("fs").readFileSync(0, "utf8")).access_token'`;
  const api = `TOKEN=$(${token} | ${extract}) && curl -sS ${tls} -H "Authorization: Bearer $TOKEN" ${input.apiUrl}`;
  return { token, api };
}

/** What `serve` prints on start (to stderr, so stdout stays pure JSON logs). */
export function banner(input: BannerInput): string {
  const lines = [
    '',
    input.mode === 'tls'
      ? `mtls-pop is running: HTTPS with client certificates on ${input.listenUrl} (Node terminates mutual TLS itself)`
      : `mtls-pop is running behind a proxy: plain HTTP on ${input.listenUrl}; certificates come only from the trusted proxy's header`,
    `  issuer:      ${input.issuer}`,
    `  metadata:    ${input.issuer}/.well-known/oauth-authorization-server`,
    `  token:       ${input.mtlsBase}/token   (RFC 8705: present your client certificate)`,
    `  sample API:  ${input.apiUrl}   (needs a token bound to the same certificate)`,
    `  health:      ${input.listenUrl}/healthz`,
    `  state:       ${input.stateDir}`,
  ];
  if (input.demo) {
    const commands = curlCommands({ ...input.demo, tokenUrl: `${input.mtlsBase}/token`, apiUrl: input.apiUrl }, input.cwd);
    lines.push(
      '',
      `Get a token bound to the demo client's certificate (${input.demo.clientId}):`,
      `  ${commands.token}`,
      '',
      'Get one and call the API with it and the same certificate:',
      `  ${commands.api}`,
    );
  }
  if (input.mode === 'behind-proxy') {
    lines.push('', 'Put the web server in front (TLS, client certificates, header forwarding):',
      '  mtls-pop render nginx|apache|iis --config <this config> --certificate FILE --certificate-key FILE');
  }
  lines.push('', 'Stop with Ctrl-C (in-flight requests finish first).', '');
  return lines.join('\n');
}
