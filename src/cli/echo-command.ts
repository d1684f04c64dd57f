import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FORWARDED_FORMATS, type ForwardedFormat } from '../forwarded/index.js';
import { createLogger } from '../log.js';
import { createEchoApp } from '../server/echo.js';
import { choice, integerOption, parse, stringOption, UsageError } from './args.js';
import type { Command } from './io.js';

const HELP = `Usage: mtls-pop echo [--port N] [--host ADDRESS] [--trusted-proxies LIST] [options]

A stand-in for your app on a STAGING deployment, for 'mtls-pop doctor': every request goes
through clientCertificate() and is answered with what it saw (header names and copies,
thumbprints, verification, whether the peer was a trusted proxy; never a header's value).
Point the proxy's upstream at it, then run doctor with any --probe-secret.

Options:
  --port N                 listen port (default 3000; 0 picks a free one, printed)
  --host ADDRESS           listen address (default 127.0.0.1)
  --trusted-proxies LIST   the proxy's addresses, comma-separated, proxy-addr syntax (default loopback)
  --header NAME            certificate header (default x-ssl-client-cert)
  --format FORMAT          ${FORWARDED_FORMATS.join(', ')} (default nginx)
  --verify-header NAME     verification header (default x-ssl-client-verify; 'none' for none)
  --chain-header NAME      chain header or numbered prefix (default none)
  -h, --help               this help

Stop it with SIGTERM or SIGINT.
`;

export const echoCommand: Command = {
  name: 'echo',
  summary: 'a stand-in app for staging that answers what the certificate middleware saw',
  help: HELP,
  async run(argv, io) {
    const strings = ['port', 'host', 'trusted-proxies', 'header', 'format', 'verify-header', 'chain-header'];
    const parsed = parse(argv, Object.fromEntries(strings.map((name) => [name, { type: 'string' as const }])), 0);
    if (parsed.help) {
      io.stdout(HELP);
      return 0;
    }
    const port = integerOption(parsed, 'port', 0, 65535) ?? 3000;
    const host = stringOption(parsed, 'host') ?? '127.0.0.1';
    const format = choice<ForwardedFormat>(stringOption(parsed, 'format'), FORWARDED_FORMATS, '--format') ?? 'nginx';
    const verifyHeader = stringOption(parsed, 'verify-header') ?? 'x-ssl-client-verify';
    const chainHeader = stringOption(parsed, 'chain-header');
    let app;
    try {
      app = createEchoApp({
        trustedProxies: (stringOption(parsed, 'trusted-proxies') ?? 'loopback').split(',').map((entry) => entry.trim()),
        header: stringOption(parsed, 'header') ?? 'x-ssl-client-cert',
        format,
        ...(verifyHeader !== 'none' ? { verifyHeader } : {}),
        ...(chainHeader ? { chainHeader } : {}),
        logger: createLogger(),
      });
    } catch (error) {
      if (error instanceof TypeError) throw new UsageError(error.message.replace(/^clientCertificate: /, ''));
      throw error;
    }
    const server = createServer(app);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    const address = server.address() as AddressInfo;
    io.stderr(`mtls-pop echo: listening on http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}\n`
      + 'STAGING ONLY: every request is answered with what the certificate middleware saw (no values, only names, counts and thumbprints).\n');
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off('SIGTERM', stop);
        process.off('SIGINT', stop);
        server.closeAllConnections();
        server.close(() => resolve());
      };
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    });
    return 0;
  },
};
