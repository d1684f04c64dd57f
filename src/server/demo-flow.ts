import { X509Certificate } from 'node:crypto';
import { request } from 'node:https';
import { thumbprint } from '../certificate/thumbprint.js';

/** Where the demo talks to: a web server on loopback that serves two host names. */
export interface DemoTarget {
  /** The web server's port on 127.0.0.1 (both host names resolve there for the demo). */
  port: number;
  /** Plain host (asks for no certificate), e.g. `as.localhost`. */
  plainHost: string;
  /** RFC 8705 section 5 mTLS alias host, e.g. `mtls.as.localhost`. */
  mtlsHost: string;
  /** CA certificate(s) that sign the web server's certificate (PEM). */
  ca: string;
  /** The registered client's certificate and key (PEM). */
  client: { id: string; certificate: string; key: string; scope: string };
  /** Another certificate the token is not bound to (PEM). */
  other: { certificate: string; key: string };
  /** Path of the sample API. */
  apiPath: string;
}

export interface DemoStep {
  title: string;
  expected: string;
  actual: string;
  ok: boolean;
  /** The same request with curl, for the reader to try. */
  curl: string;
}

interface Answer {
  status: number;
  body: string;
  json: Record<string, unknown> | undefined;
}

interface Call {
  host: string;
  path: string;
  method?: 'GET' | 'POST';
  form?: Record<string, string>;
  headers?: Record<string, string>;
  tls?: { certificate: string; key: string };
}

function send(target: DemoTarget, call: Call): Promise<Answer> {
  const body = call.form ? new URLSearchParams(call.form).toString() : undefined;
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port: target.port,
      // SNI and Host name the virtual host; the address is loopback whatever the name.
      servername: call.host,
      path: call.path,
      method: call.method ?? 'GET',
      ca: target.ca,
      ...(call.tls ? { cert: call.tls.certificate, key: call.tls.key } : {}),
      agent: false,
      timeout: 10_000,
      headers: {
        host: `${call.host}:${target.port}`,
        ...(body ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)) } : {}),
        ...call.headers,
      },
    }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => {
        let json: Record<string, unknown> | undefined;
        try {
          json = JSON.parse(text) as Record<string, unknown>;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, body: text, json });
      });
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 10 s')));
    req.on('error', reject);
    req.end(body);
  });
}

function curlFor(target: DemoTarget, call: Call, files: { ca: string; certificate?: string; key?: string }): string {
  const parts = ['curl -sS', `--resolve ${call.host}:${target.port}:127.0.0.1`, `--cacert ${files.ca}`];
  if (call.tls && files.certificate) parts.push(`--cert ${files.certificate} --key ${files.key}`);
  for (const [name, value] of Object.entries(call.headers ?? {})) {
    // The token comes from the token step's TOKEN=$(...); a forged PEM is shortened for reading.
    if (name === 'authorization') parts.push('-H "Authorization: Bearer $TOKEN"');
    else parts.push(`-H '${name}: ${value.length > 40 ? `${value.slice(0, 37)}...` : value}'`);
  }
  for (const [name, value] of Object.entries(call.form ?? {})) parts.push(`-d ${name}=${value}`);
  parts.push(`https://${call.host}:${target.port}${call.path}`);
  return parts.join(' ');
}

function summary(answer: Answer): string {
  const error = answer.json && typeof answer.json.error === 'string' ? ` ${answer.json.error}` : '';
  return `${answer.status}${error}`;
}

/** nginx's `$ssl_client_escaped_cert` encoding of a PEM: what a forger would send. */
function nginxEscaped(pem: string): string {
  return pem.replace(/[^A-Za-z0-9\-_.~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/**
 * The end-to-end demo through a real web server: metadata on the plain host, a bound token
 * through the mTLS alias, the API with the same certificate (200), with another one (401), and
 * forged certificate headers without a certificate (refused). `files` only shapes the printed
 * curl commands. Returns every step; the demo passes when each `ok` is true.
 */
export async function runDemoFlow(
  target: DemoTarget,
  files: { ca: string; certificate: string; key: string; otherCertificate: string; otherKey: string },
  onStep: (step: DemoStep) => void = () => {},
): Promise<DemoStep[]> {
  const steps: DemoStep[] = [];
  const record = (step: DemoStep): void => {
    steps.push(step);
    onStep(step);
  };
  const client = { certificate: target.client.certificate, key: target.client.key };
  const expectedThumbprint = thumbprint(new X509Certificate(target.client.certificate).raw);
  const demoFiles = { ca: files.ca, certificate: files.certificate, key: files.key };

  const metadataCall: Call = { host: target.plainHost, path: '/.well-known/oauth-authorization-server' };
  const metadata = await send(target, metadataCall);
  const aliases = metadata.json?.mtls_endpoint_aliases as Record<string, unknown> | undefined;
  const aliasToken = `https://${target.mtlsHost}:${target.port}/token`;
  record({
    title: 'RFC 8414 metadata on the plain host names the mTLS alias (RFC 8705 section 5)',
    expected: `200, mtls_endpoint_aliases.token_endpoint = ${aliasToken}`,
    actual: `${summary(metadata)}, ${String(aliases?.token_endpoint)}`,
    ok: metadata.status === 200 && aliases?.token_endpoint === aliasToken,
    curl: curlFor(target, metadataCall, demoFiles),
  });

  const tokenCall: Call = { host: target.mtlsHost, path: '/token', method: 'POST', tls: client, form: { grant_type: 'client_credentials', client_id: target.client.id, scope: target.client.scope } };
  const token = await send(target, tokenCall);
  const accessToken = typeof token.json?.access_token === 'string' ? token.json.access_token : '';
  let bound = '';
  try {
    const claims = JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString()) as { cnf?: Record<string, string> };
    bound = claims.cnf?.['x5t#S256'] ?? '';
  } catch {
    bound = '';
  }
  record({
    title: 'a token through the mTLS alias with the client certificate, bound to it (RFC 8705 section 3)',
    expected: `200, cnf["x5t#S256"] = ${expectedThumbprint}`,
    actual: `${summary(token)}, cnf["x5t#S256"] = ${bound || '(none)'}`,
    ok: token.status === 200 && bound === expectedThumbprint,
    curl: `TOKEN=$(${curlFor(target, tokenCall, demoFiles)} | node -p 'JSON.parse(require("fs").readFileSync(0, "utf8")).access_token')`,
  });

  const bearer = { authorization: `Bearer ${accessToken}` };
  const apiSame: Call = { host: target.mtlsHost, path: target.apiPath, tls: client, headers: bearer };
  const same = await send(target, apiSame);
  record({ title: 'the API with the token and the same certificate', expected: '200', actual: summary(same), ok: same.status === 200, curl: curlFor(target, apiSame, demoFiles) });

  const apiOther: Call = { host: target.mtlsHost, path: target.apiPath, tls: target.other, headers: bearer };
  const other = await send(target, apiOther);
  record({
    title: 'the API with the token and ANOTHER certificate',
    expected: '401 invalid_token',
    actual: summary(other),
    ok: other.status === 401 && other.json?.error === 'invalid_token',
    curl: curlFor(target, apiOther, { ca: files.ca, certificate: files.otherCertificate, key: files.otherKey }),
  });

  const forged = { 'X-SSL-Client-Cert': nginxEscaped(target.client.certificate), 'X-SSL-Client-Verify': 'SUCCESS' };
  const forgedApi: Call = { host: target.mtlsHost, path: target.apiPath, headers: { ...bearer, ...forged } };
  const forgedApiAnswer = await send(target, forgedApi);
  record({
    title: 'the API with the token, NO certificate, and a forged certificate header',
    expected: 'refused (401 or 403)',
    actual: summary(forgedApiAnswer),
    ok: forgedApiAnswer.status === 401 || forgedApiAnswer.status === 403,
    curl: curlFor(target, forgedApi, demoFiles),
  });

  for (const host of [target.mtlsHost, target.plainHost]) {
    const forgedToken: Call = { host, path: '/token', method: 'POST', headers: forged, form: { grant_type: 'client_credentials', client_id: target.client.id, scope: target.client.scope } };
    const answer = await send(target, forgedToken);
    record({
      title: `a token from ${host === target.mtlsHost ? 'the mTLS alias' : 'the plain host'} with NO certificate and a forged certificate header`,
      expected: 'refused (401 invalid_client, or 403)',
      actual: summary(answer),
      ok: (answer.status === 401 && answer.json?.error === 'invalid_client') || answer.status === 403,
      curl: curlFor(target, forgedToken, demoFiles),
    });
  }
  return steps;
}
