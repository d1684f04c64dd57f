import { CertificateHeaderError } from '../certificate/errors.js';
import type { ClientCertificate } from '../certificate/model.js';
import { detectForwardedFormat, FORWARDED_FORMATS, parseForwardedCertificate, type ForwardedFormat } from '../forwarded/index.js';
import { choice, integerOption, listOption, parse, stringOption, UsageError } from './args.js';
import type { Command } from './io.js';

const HELP = `Usage: mtls-pop inspect [--format FORMAT] [--chain VALUE]... [--json] VALUE|-

Decodes a forwarded client-certificate header value, as the middleware would, and prints
subject, issuer, SANs, validity and the RFC 8705 x5t#S256 thumbprint; or the error code and
reason it would be refused with. '-' reads the value from standard input. A leading
'Header-Name: ' (as copied from a log or curl -v) is removed.

Options:
  --format FORMAT   ${FORWARDED_FORMATS.join(' | ')} (default auto)
  --chain VALUE     a separate chain header value (Apache SSL_CLIENT_CERT_CHAIN_n, RFC 9440 Client-Cert-Chain); repeatable
  --max-length N    size cap in bytes (default 16384, as the middleware)
  --json            print JSON instead of text
  -h, --help        this help

Exit codes: 0 decoded, 1 refused (code and reason on stderr), 2 wrong arguments.
`;

function validity(certificate: ClientCertificate, now: Date): string {
  if (now < certificate.notBefore) return 'NOT YET VALID';
  if (now > certificate.notAfter) return 'EXPIRED';
  return 'valid now';
}

function describe(certificate: ClientCertificate, format: string): string {
  const san = certificate.subjectAltNames;
  const names = [
    ...san.dns.map((value) => `DNS:${value}`),
    ...san.uri.map((value) => `URI:${value}`),
    ...san.ip.map((value) => `IP:${value}`),
    ...san.email.map((value) => `email:${value}`),
  ];
  const lines = [
    ['format', format],
    ['subject', certificate.subject],
    ['issuer', certificate.issuer],
    ['serial', certificate.serialNumber],
    ['not before', certificate.notBefore.toISOString()],
    ['not after', `${certificate.notAfter.toISOString()} (${validity(certificate, new Date())})`],
    ['SANs', names.length ? names.join(', ') : '(none)'],
    ['x5t#S256', certificate.thumbprint],
    ['chain', certificate.chain.length ? certificate.chain.map((link) => link.subject).join(' | ') : '(none forwarded)'],
  ];
  return lines.map(([label, value]) => `${`${label}:`.padEnd(12)}${value}`).join('\n') + '\n';
}

const HEADER_NAME = /^[A-Za-z][A-Za-z0-9_-]*:[ \t]+/;

export const inspectCommand: Command = {
  name: 'inspect',
  summary: 'decode a forwarded certificate header value and print its fields or why it is refused',
  help: HELP,
  async run(argv, io) {
    // A PEM or nginx value starts with '-----BEGIN': a value, never an option.
    const values = argv.filter((arg) => arg.startsWith('-----'));
    const args = values.length ? [...argv.filter((arg) => !arg.startsWith('-----')), '--', ...values] : argv;
    const parsed = parse(args, { format: { type: 'string' }, chain: { type: 'string', multiple: true }, json: { type: 'boolean' }, 'max-length': { type: 'string' } }, 1);
    if (parsed.positionals.length > 1) throw new UsageError(`unexpected argument '${parsed.positionals[1]!.slice(0, 40)}'`);
    if (parsed.help) {
      io.stdout(HELP);
      return 0;
    }
    const format = choice<ForwardedFormat>(stringOption(parsed, 'format'), FORWARDED_FORMATS, '--format') ?? 'auto';
    const maxLength = integerOption(parsed, 'max-length', 1, 1 << 20);
    const source = parsed.positionals[0];
    if (source === undefined) throw new UsageError("expected a header value, or '-' to read it from standard input");
    let value = source === '-' ? (await io.readStdin()).replace(/\r?\n$/, '') : source;
    value = value.replace(HEADER_NAME, '');
    let shown: string = format;
    let certificate: ClientCertificate;
    try {
      if (format === 'auto' && value !== '') shown = `${detectForwardedFormat(value)} (detected)`;
      certificate = parseForwardedCertificate(value, format, { chain: listOption(parsed, 'chain'), ...(maxLength ? { maxLength } : {}) });
    } catch (error) {
      if (error instanceof CertificateHeaderError) {
        io.stderr(`mtls-pop inspect: refused (format ${shown}): ${error.code}: ${error.message}\n`);
        return 1;
      }
      throw error;
    }
    io.stdout(parsed.values.json === true ? JSON.stringify({ format: shown, ...certificate.toJSON() }, null, 2) + '\n' : describe(certificate, shown));
    return 0;
  },
};
