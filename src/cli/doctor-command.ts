import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { FORWARDED_FORMATS } from '../forwarded/index.js';
import { PROXY_KINDS, type ProxyKind } from '../doctor/fixes.js';
import type { AppHeaders } from '../doctor/forged.js';
import { DOCTOR_PRESET_NAMES, presetHeaders } from '../doctor/presets.js';
import type { PresetName } from '../proxy/presets/index.js';
import { formatReport } from '../doctor/report.js';
import { runDoctor } from '../doctor/run.js';
import { closest } from '../lib/closest.js';
import { choice, integerOption, listOption, parse, stringOption, UsageError } from './args.js';
import type { Command, CommandIo } from './io.js';

const HELP = `Usage: mtls-pop doctor --mtls-url URL [--url URL] [--backend-url URL] [options]

Checks a deployed proxy from the outside: that it forwards your client certificate, and that no
forged forwarding header (any name, spelling, duplicate, verification-only) reaches the app on
any host, whatever the TLS name, Host header or resumed session. The app must mount
clientCertificateProbe({ secret }) after clientCertificate(), or be replaced by 'mtls-pop echo'.
Doctor sends requests to the URLs given and nowhere else (about 35, each bounded).

Options:
  --mtls-url URL        the host that asks for client certificates (required)
  --url URL             the plain host on the same proxy (its checks are skipped without it)
  --backend-url URL     the app's own address behind the proxy: it must refuse forged headers
  --cert FILE           a client certificate the proxy accepts (default: the development PKI's
                        demo client, <state-dir>/pki/demo-client.pem)
  --key FILE            its private key (default <state-dir>/pki/demo-client.key)
  --ca FILE             CA bundle that verifies the proxy's server certificate (default: the
                        development CA with the demo client, else the system's roots)
  --state-dir DIR       the development state folder (default .mtls-pop)
  --probe-secret TEXT   the probe's secret (better: the MTLS_POP_PROBE_SECRET variable)
  --preset NAME         what the app reads: ${DOCTOR_PRESET_NAMES.join(', ')}
  --header NAME         or: the certificate header the app reads
  --format FORMAT       and its format (${FORWARDED_FORMATS.join(', ')})
  --verify-header NAME  and its verification header
  --proxy KIND          the proxy, for the fixes: ${PROXY_KINDS.join(', ')} (default: from
                        the Server answer header, else every proxy's fix)
  --resolve HOST=ADDR   connect to ADDR for HOST instead of asking DNS (repeatable)
  --local-address ADDR  source address of every connection
  --timeout MS          per request (default 10000)
  --json                the report as JSON
  -h, --help            this help

Output: one line per check (PASS, FAIL, WARN, SKIP), the fix under each FAIL, a summary.
Exit code: 0 when nothing failed, 1 when a check failed, 2 for wrong arguments.
`;

function readFile(io: CommandIo, file: string, flag: string): string {
  try {
    return readFileSync(resolve(io.cwd, file), 'utf8');
  } catch (error) {
    throw new UsageError(`${flag}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

function expected(preset: string | undefined, header: string | undefined, format: string | undefined, verifyHeader: string | undefined): AppHeaders | undefined {
  let base: AppHeaders = {};
  if (preset !== undefined) {
    if (!(DOCTOR_PRESET_NAMES as readonly string[]).includes(preset)) {
      const hint = closest(preset, DOCTOR_PRESET_NAMES);
      throw new UsageError(`--preset: unknown preset '${preset}'${hint ? `; did you mean '${hint}'?` : ''} (${DOCTOR_PRESET_NAMES.join(', ')})`);
    }
    base = presetHeaders(preset as PresetName);
  }
  if (format !== undefined) choice(format, FORWARDED_FORMATS, '--format');
  const result: AppHeaders = { ...base, ...(header ? { header } : {}), ...(format ? { format } : {}), ...(verifyHeader ? { verifyHeader } : {}) };
  return Object.keys(result).length > 0 ? result : undefined;
}

export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'check a deployed proxy: certificate forwarded, every forged header stripped',
  help: HELP,
  async run(argv, io) {
    const strings = ['mtls-url', 'url', 'backend-url', 'cert', 'key', 'ca', 'state-dir', 'probe-secret', 'preset', 'header', 'format', 'verify-header', 'proxy', 'local-address', 'timeout'];
    const parsed = parse(argv, { ...Object.fromEntries(strings.map((name) => [name, { type: 'string' as const }])), resolve: { type: 'string', multiple: true }, json: { type: 'boolean' } }, 0);
    if (parsed.help) {
      io.stdout(HELP);
      return 0;
    }
    const mtlsUrl = stringOption(parsed, 'mtls-url');
    if (!mtlsUrl) throw new UsageError('--mtls-url is required');
    const probeSecret = stringOption(parsed, 'probe-secret') ?? io.env.MTLS_POP_PROBE_SECRET;
    if (!probeSecret) throw new UsageError('the probe secret is required: --probe-secret or MTLS_POP_PROBE_SECRET');
    const stateDir = resolve(io.cwd, stringOption(parsed, 'state-dir') ?? '.mtls-pop');
    const certFile = stringOption(parsed, 'cert');
    const keyFile = stringOption(parsed, 'key');
    if ((certFile === undefined) !== (keyFile === undefined)) throw new UsageError('--cert and --key go together');
    const demo = certFile === undefined;
    const cert = readFile(io, certFile ?? resolve(stateDir, 'pki', 'demo-client.pem'), '--cert');
    const key = readFile(io, keyFile ?? resolve(stateDir, 'pki', 'demo-client.key'), '--key');
    const caFile = stringOption(parsed, 'ca') ?? (demo && existsSync(resolve(stateDir, 'pki', 'ca.pem')) ? resolve(stateDir, 'pki', 'ca.pem') : undefined);
    const proxy = choice<ProxyKind>(stringOption(parsed, 'proxy'), PROXY_KINDS, '--proxy');
    const expect = expected(stringOption(parsed, 'preset'), stringOption(parsed, 'header'), stringOption(parsed, 'format'), stringOption(parsed, 'verify-header'));
    const timeout = integerOption(parsed, 'timeout', 100, 120_000);
    const addresses: Record<string, string> = {};
    for (const entry of listOption(parsed, 'resolve')) {
      const at = entry.indexOf('=');
      if (at <= 0 || !isIP(entry.slice(at + 1))) throw new UsageError(`--resolve: expected HOST=ADDRESS (an IP address), got '${entry.slice(0, 80)}'`);
      addresses[entry.slice(0, at)] = entry.slice(at + 1);
    }
    let report;
    try {
      report = await runDoctor({
        mtlsUrl, probeSecret, cert, key,
        ...(stringOption(parsed, 'url') ? { url: stringOption(parsed, 'url')! } : {}),
        ...(stringOption(parsed, 'backend-url') ? { backendUrl: stringOption(parsed, 'backend-url')! } : {}),
        ...(caFile ? { ca: readFile(io, caFile, '--ca') } : {}),
        ...(expect ? { expect } : {}),
        ...(proxy ? { proxy } : {}),
        addresses,
        ...(stringOption(parsed, 'local-address') ? { localAddress: stringOption(parsed, 'local-address')! } : {}),
        ...(timeout ? { requestTimeoutMs: timeout } : {}),
      });
    } catch (error) {
      if (error instanceof TypeError) throw new UsageError(error.message);
      throw error;
    }
    io.stdout(parsed.values.json === true ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
    return report.ok ? 0 : 1;
  },
};
