/**
 * compileTrustedProxies(list, allowUnixSocket): who may speak for the client. Fail closed: a peer
 * outside the list, an IPv4-mapped address of an untrusted host, a closed socket without an
 * address, or a socket that is not a unix socket, is never trusted.
 */
import { describe, expect, it } from '@jest/globals';
import type { Socket } from 'node:net';
import request from 'supertest';
import { compileTrustedProxies } from '../../src/proxy/trust.js';
import { nginxValue, startApp } from './helpers.js';

/** A stand-in socket: a TCP peer address, or none, on a server listening on a port or a path. */
const socket = (remoteAddress: string | undefined, listening: unknown = { address: '127.0.0.1', family: 'IPv4', port: 3000 }): Socket =>
  ({ remoteAddress, server: { address: () => listening } }) as unknown as Socket;

describe('compileTrustedProxies(trustedProxies, allowUnixSocket)', () => {
  it.each([
    ['10.0.0.1', '10.0.0.1', true],
    ['10.0.0.1', '::ffff:10.0.0.1', true],
    ['10.0.0.1', '::ffff:10.0.0.2', false],
    ['10.0.0.1', '::ffff:127.0.0.1', false],
    ['10.0.0.0/8', '::ffff:192.0.2.1', false],
    ['10.0.0.0/8', '10.255.255.255', true],
    ['10.0.0.0/8', '11.0.0.0', false],
    ['loopback', '::1', true],
    ['loopback', '::ffff:127.0.0.1', true],
    ['loopback', '::2', false],
    ['2001:db8::/32', '2001:db9::1', false],
    ['10.0.0.1', 'not-an-address', false],
    ['10.0.0.1', '', false],
  ])('%s trusts the peer %j: %s', (list, address, trusted) => {
    expect(compileTrustedProxies(list, false)(socket(address)).trusted).toBe(trusted);
  });

  it('trusts nobody without a list, loopback included', () => {
    for (const address of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) expect(compileTrustedProxies(undefined, false)(socket(address)).trusted).toBe(false);
  });

  describe('a peer without an address', () => {
    it('is a trusted unix socket only with allowUnixSocket and a server bound to a path', () => {
      expect(compileTrustedProxies('10.0.0.1', true)(socket(undefined, '/run/mtls-pop.sock'))).toEqual({ trusted: true, peer: 'unix-socket' });
      expect(compileTrustedProxies('10.0.0.1', false)(socket(undefined, '/run/mtls-pop.sock'))).toEqual({ trusted: false, peer: 'unknown' });
    });

    it.each([
      ['a closed TCP socket (the server listens on a port)', { address: '127.0.0.1', family: 'IPv4', port: 3000 }],
      ['a socket whose server is closed (address() is null)', null],
      ['a socket without a server', undefined],
    ])('is untrusted for %s, even with allowUnixSocket', (_name, listening) => {
      const peer = listening === undefined ? ({ remoteAddress: undefined } as unknown as Socket) : socket(undefined, listening);
      expect(compileTrustedProxies('10.0.0.1', true)(peer)).toEqual({ trusted: false, peer: 'unknown' });
    });
  });

  it('an IPv4 client of a dual-stack server (::ffff:127.0.0.1) is refused when only another host is trusted', async () => {
    const app = await startApp({ trustedProxies: '10.0.0.1' }, '::');
    try {
      const response = await request(`http://127.0.0.1:${app.port}`).get('/').set('x-ssl-client-cert', nginxValue('client-ec.pem'));
      expect(response.status).toBe(400);
      expect(app.seen).toHaveLength(0);
      expect(app.logger.lines[0]!.fields.peer).toBe('::ffff:127.0.0.1');
    } finally {
      await app.close();
    }
  });
});
