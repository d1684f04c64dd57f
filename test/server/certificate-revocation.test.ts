import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adoptCa, type OpensslCa } from '../revocation/openssl-ca.js';
import { startServe, type ServeProcess } from './serve-process.js';

// `mtls-pop serve` with trust.crlFiles (MTLS_POP_CRL_FILES): the development CA's CRL, made by
// `openssl ca -gencrl`, first empty, then revoking the demo client, swapped in while serving.
const cwd = mkdtempSync(join(tmpdir(), 'mtls-pop-serve-crl-'));
const pki = (name: string): string => join(cwd, '.mtls-pop', 'pki', name);
const crlFile = join(cwd, 'client-ca.crl');
let serve: ServeProcess | undefined;
let ca: (OpensslCa & { cleanup(): void }) | undefined;

function token(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const body = 'grant_type=client_credentials&client_id=demo-client';
    request(`${url}/token`, { method: 'POST', ca: readFileSync(pki('ca.pem')), cert: readFileSync(pki('demo-client.pem')), key: readFileSync(pki('demo-client.key')),
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': body.length } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    }).on('error', reject).end(body);
  });
}

beforeAll(async () => {
  // First start creates the development PKI; the CRL needs its CA.
  const first = await startServe(['--port', '0'], { cwd });
  first.kill();
  await first.exited;
  ca = adoptCa(pki('ca.pem'), pki('ca.key'), 'mtls-pop development CA');
  writeFileSync(crlFile, ca.crl());
  serve = await startServe(['--port', '0'], { cwd, env: { MTLS_POP_CRL_FILES: crlFile, MTLS_POP_LOG_LEVEL: 'info' } });
}, 60_000);

afterAll(() => {
  serve?.kill();
  ca?.cleanup();
  rmSync(cwd, { recursive: true, force: true });
});

describe('mtls-pop serve with trust.crlFiles', () => {
  it('issues a token while the CRL does not list the client', async () => {
    expect(await token(serve!.url)).toBe(200);
  });

  it('refuses the client (401, ERR_CHAIN_REVOKED in the log) once a new CRL revoking it replaces the file', async () => {
    ca!.revoke(pki('demo-client.pem'));
    writeFileSync(`${crlFile}.new`, ca!.crl());
    renameSync(`${crlFile}.new`, crlFile);
    // The file is re-read at most every second: ask until the running server answers 401.
    let status = 200;
    for (let attempt = 0; attempt < 100 && status === 200; attempt++) {
      status = await token(serve!.url);
      if (status === 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe(401);
    // The log line is written to stdout asynchronously: wait for it to arrive.
    const refusal = /"error":"invalid_client".*ERR_CHAIN_REVOKED/;
    for (let attempt = 0; attempt < 100 && !refusal.test(serve!.logs()); attempt++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(serve!.logs()).toMatch(refusal);
  });
});
