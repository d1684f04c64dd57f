import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { KEY_TYPES, initCertificateAuthority, issueToFiles, type KeyType } from '../pki/index.js';
import { choice, integerOption, listOption, parse, stringOption, UsageError, type Parsed } from './args.js';
import type { Command, CommandIo } from './io.js';

const HELP = `Usage: mtls-pop pki init|issue-client|issue-server [options]

Development certificates (never for production). Files go to --dir (default .mtls-pop/pki,
the folder 'serve' uses): <name>.pem (certificate) and <name>.key (private key, mode 0600).

  init                     create a development CA: ca.pem, ca.key
  issue-client --name N    a client certificate (extended key usage clientAuth) signed by the CA
  issue-server --name N    a server certificate (serverAuth) signed by the CA

Options:
  --dir DIR                folder of the CA and the new files (default .mtls-pop/pki)
  --name NAME              file name without extension (letters, digits, . _ -)
  --subject DN             subject, e.g. 'O=Example, CN=payments' (default CN=<name>)
  --dns NAME               a DNS subject alternative name (repeatable)
  --uri URI                a URI SAN, e.g. spiffe://example.com/payments (repeatable)
  --ip ADDRESS             an IP address SAN (repeatable)
  --email ADDRESS          an email SAN (repeatable)
  --key-type TYPE          ${KEY_TYPES.join(' | ')} (default ec-p256)
  --days N                 validity in days (default 825; CA 3650)
  --force                  replace existing files
  -h, --help               this help
`;

const OPTIONS = {
  dir: { type: 'string' },
  name: { type: 'string' },
  subject: { type: 'string' },
  dns: { type: 'string', multiple: true },
  uri: { type: 'string', multiple: true },
  ip: { type: 'string', multiple: true },
  email: { type: 'string', multiple: true },
  'key-type': { type: 'string' },
  days: { type: 'string' },
  force: { type: 'boolean' },
} as const;

function subjectAltNames(parsed: Parsed): { dns: string[]; uri: string[]; ip: string[]; email: string[] } {
  const san = { dns: listOption(parsed, 'dns'), uri: listOption(parsed, 'uri'), ip: listOption(parsed, 'ip'), email: listOption(parsed, 'email') };
  for (const ip of san.ip) if (isIP(ip) === 0) throw new UsageError(`--ip '${ip}' is not an IPv4 or IPv6 address`);
  for (const uri of san.uri) {
    if (!URL.canParse(uri)) throw new UsageError(`--uri '${uri}' is not an absolute URI`);
  }
  for (const email of san.email) if (!/^[^@\s]+@[^@\s]+$/.test(email)) throw new UsageError(`--email '${email}' is not an email address`);
  for (const dns of san.dns) if (!/^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(dns)) throw new UsageError(`--dns '${dns}' is not a DNS name`);
  return san;
}

function subjectFor(parsed: Parsed, name: string): string {
  const subject = stringOption(parsed, 'subject') ?? `CN=${name}`;
  if (!/^\s*[A-Za-z][\w.]*\s*=/.test(subject)) throw new UsageError(`--subject '${subject}' is not a distinguished name such as 'O=Example, CN=${name}'`);
  return subject;
}

export const pkiCommand: Command = {
  name: 'pki',
  summary: 'create a development CA and client/server certificates',
  help: HELP,
  async run(argv, io: CommandIo) {
    const parsed = parse(argv, OPTIONS, 1);
    if (parsed.help) {
      io.stdout(HELP);
      return 0;
    }
    const action = parsed.positionals[0];
    if (action === undefined) throw new UsageError("expected 'init', 'issue-client' or 'issue-server'");
    const dir = resolve(io.cwd, stringOption(parsed, 'dir') ?? '.mtls-pop/pki');
    const force = parsed.values.force === true;
    const keyType = choice<KeyType>(stringOption(parsed, 'key-type'), KEY_TYPES, '--key-type');
    const days = integerOption(parsed, 'days', 1, 36500);
    if (action === 'init') {
      for (const flag of ['name', 'dns', 'uri', 'ip', 'email', 'key-type']) {
        if (parsed.values[flag] !== undefined) throw new UsageError(`--${flag} does not apply to 'init'`);
      }
      const files = await initCertificateAuthority(dir, { force, subject: stringOption(parsed, 'subject') });
      io.stdout(`CA certificate: ${files.certificate}\nCA private key: ${files.key}\n`);
      return 0;
    }
    if (action !== 'issue-client' && action !== 'issue-server') {
      throw new UsageError(`unknown action '${action}'; expected 'init', 'issue-client' or 'issue-server'`);
    }
    const name = stringOption(parsed, 'name');
    if (!name) throw new UsageError('--name is required');
    const san = subjectAltNames(parsed);
    if (action === 'issue-server' && san.dns.length + san.ip.length === 0) {
      throw new UsageError('a server certificate needs at least one --dns or --ip (clients check the host name against them)');
    }
    const profile = action === 'issue-client' ? 'client' : 'server';
    const files = await issueToFiles(dir, name, { subject: subjectFor(parsed, name), profile, san, keyType, days, force });
    io.stdout(`certificate: ${files.certificate}\nprivate key: ${files.key}\nsigned by:   ${resolve(dir, 'ca.pem')}\nx5t#S256:    ${files.thumbprint}\n`);
    return 0;
  },
};
