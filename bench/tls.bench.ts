/**
 * `source: 'tls'`: what reading the client certificate costs per request on a keep-alive
 * connection, before (the whole peer chain converted on every request) and now (the leaf and a
 * capped walk of its issuers once per socket, then kept), with a normal chain and with a client
 * that sends 200 certificates.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { connect, type DetailedPeerCertificate, type TLSSocket } from 'node:tls';
import { ClientCertificate } from '../src/certificate/model.js';
import { certificateFromTlsSocket } from '../src/proxy/tls.js';
import { measure, printTable } from './lib.js';

const pki = (name: string) => readFileSync(new URL(`../fixtures/pki/${name}`, import.meta.url), 'utf8');

/** The server side of one TLS connection whose client sent `cert` (leaf first). */
async function serverSocket(cert: string): Promise<{ socket: TLSSocket; close: () => void }> {
  const server = createServer({ key: pki('server.key'), cert: pki('server.pem') + pki('intermediate-ca.pem'), ca: pki('ca-bundle.pem'), requestCert: true, rejectUnauthorized: false });
  const accepted = new Promise<TLSSocket>((resolve) => server.once('secureConnection', resolve));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = connect({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, servername: 'localhost', key: pki('client-ec.key'), cert, ca: pki('ca-bundle.pem') });
  const socket = await accepted;
  return { socket, close: () => { client.destroy(); server.close(); server.closeAllConnections(); } };
}

/** What the middleware did on every request before: convert the peer chain, frame the certificates. */
function perRequestBefore(socket: TLSSocket): ClientCertificate {
  const peer = socket.getPeerCertificate(true);
  const chain: Buffer[] = [];
  const seen = new Set<DetailedPeerCertificate>([peer]);
  for (let link = peer.issuerCertificate; link && !seen.has(link) && chain.length < 10; link = link.issuerCertificate) {
    seen.add(link);
    if (link.issuerCertificate === link || !link.raw) break;
    chain.push(link.raw);
  }
  return ClientCertificate.fromDer(peer.raw, chain, 'tls');
}

/** What the middleware does now, once per connection: the leaf's X509Certificate, issuers walked up to the cap. */
function oncePerSocketNow(socket: TLSSocket): ClientCertificate {
  const leaf = socket.getPeerX509Certificate()!;
  const chain: Buffer[] = [];
  let previous = leaf;
  for (let link = leaf.issuerCertificate; link !== undefined && chain.length < 10; link = link.issuerCertificate) {
    if (link.raw.equals(previous.raw) || link.checkIssued(link)) break;
    chain.push(link.raw);
    previous = link;
  }
  return ClientCertificate.fromDer(leaf.raw, chain, 'tls');
}

const rows = [];
for (const [name, cert] of [['leaf + intermediate', pki('client-ec-chain.pem')], ['leaf + 199 certificates', pki('client-ec.pem') + pki('intermediate-ca.pem').repeat(199)]] as const) {
  const { socket, close } = await serverSocket(cert);
  rows.push(await measure(`${name}: before, on every request (getPeerCertificate(true))`, () => perRequestBefore(socket)));
  rows.push(await measure(`${name}: now, once per connection (getPeerX509Certificate, capped walk)`, () => oncePerSocketNow(socket)));
  rows.push(await measure(`${name}: now, on every request (kept per socket)`, () => certificateFromTlsSocket(socket)));
  close();
}
printTable("source: 'tls', reading the client certificate per request on one connection", rows);
