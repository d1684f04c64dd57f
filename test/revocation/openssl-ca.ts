/**
 * A real CA for revocation tests, run with the `openssl` command line: a root, an intermediate,
 * leaves issued with `openssl ca` (so that `index.txt` is the database `openssl ocsp` and
 * `openssl ca -gencrl` read), revocation with `openssl ca -revoke`, CRLs with `-gencrl`, and an
 * OCSP signing certificate (id-kp-OCSPSigning) delegated by each CA (RFC 6960 section 4.2.2.2).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CaUrls {
  /** Written into the certificates each CA issues as the AIA OCSP responder. Default none. */
  ocsp?: string;
  /** Written into the certificates each CA issues as the CRL distribution point. Default none. */
  crl?: string;
}

export interface OpensslCa {
  readonly dir: string;
  readonly name: string;
  readonly certificateFile: string;
  readonly keyFile: string;
  readonly indexFile: string;
  readonly responderCertificateFile: string;
  readonly responderKeyFile: string;
  pem(): string;
  /** Issues a certificate: a leaf (clientAuth) or, with `ca: true`, a sub-CA with its own database. */
  issue(name: string, options?: { ca?: boolean; urls?: CaUrls; days?: number }): { certificateFile: string; keyFile: string; pem: string; ca?: OpensslCa };
  revoke(certificateFile: string): void;
  /** Adds a certificate this CA issued elsewhere to its database as valid (`openssl ca -valid`). */
  record(certificateFile: string): void;
  /** A CRL from `openssl ca -gencrl`; `hours` sets nextUpdate (a negative value is not possible, see `staleCrl`). */
  crl(options?: { hours?: number }): string;
  /** A CRL whose nextUpdate has passed: made with a faked clock (`-crl_lastupdate` / `-crl_nextupdate`). */
  staleCrl(): string;
  /** A CRL with the given lastUpdate (thisUpdate) and nextUpdate. */
  crlAt(lastUpdate: Date, nextUpdate: Date): string;
}

function run(args: string[], cwd: string): string {
  return execFileSync('openssl', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

const CONFIG = (dir: string) => `
[ ca ]
default_ca = this_ca
[ this_ca ]
dir = ${dir}
database = ${dir}/index.txt
new_certs_dir = ${dir}/issued
serial = ${dir}/serial
crlnumber = ${dir}/crlnumber
certificate = ${dir}/ca.pem
private_key = ${dir}/ca.key
default_md = sha256
default_days = 30
default_crl_hours = 24
policy = anything
unique_subject = no
copy_extensions = none
[ anything ]
commonName = supplied
organizationName = optional
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = unused
[ v3_ca ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ ocsp_signer ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = OCSPSigning
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ crl_ext ]
authorityKeyIdentifier = keyid
`;

function extensions(kind: 'leaf' | 'ca', urls: CaUrls | undefined): string {
  const lines = kind === 'ca'
    ? ['basicConstraints = critical, CA:TRUE', 'keyUsage = critical, keyCertSign, cRLSign']
    : ['basicConstraints = CA:FALSE', 'keyUsage = critical, digitalSignature', 'extendedKeyUsage = clientAuth'];
  lines.push('subjectKeyIdentifier = hash', 'authorityKeyIdentifier = keyid');
  if (urls?.ocsp) lines.push(`authorityInfoAccess = OCSP;URI:${urls.ocsp}`);
  if (urls?.crl) lines.push(`crlDistributionPoints = URI:${urls.crl}`);
  return `[ ext ]\n${lines.join('\n')}\n`;
}

function setUp(dir: string, name: string): OpensslCa {
  mkdirSync(join(dir, 'issued'), { recursive: true });
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'crlnumber'), '1000\n');
  writeFileSync(join(dir, 'serial'), `${randomBytes(8).toString('hex').replace(/^./, '1')}\n`);
  writeFileSync(join(dir, 'openssl.cnf'), CONFIG(dir));
  const config = join(dir, 'openssl.cnf');
  let crls = 0;
  const ca: OpensslCa = {
    dir,
    name,
    certificateFile: join(dir, 'ca.pem'),
    keyFile: join(dir, 'ca.key'),
    indexFile: join(dir, 'index.txt'),
    responderCertificateFile: join(dir, 'ocsp.pem'),
    responderKeyFile: join(dir, 'ocsp.key'),
    pem: () => readFileSync(join(dir, 'ca.pem'), 'utf8'),
    issue(leafName, options = {}) {
      const base = join(dir, leafName.replace(/[^A-Za-z0-9-]/g, '_'));
      run(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${base}.key`], dir);
      run(['req', '-new', '-key', `${base}.key`, '-subj', `/CN=${leafName}`, '-out', `${base}.csr`], dir);
      writeFileSync(`${base}.ext`, extensions(options.ca ? 'ca' : 'leaf', options.urls));
      run(['ca', '-batch', '-config', config, '-notext', '-days', String(options.days ?? 30), '-extfile', `${base}.ext`, '-extensions', 'ext',
        '-in', `${base}.csr`, '-out', `${base}.pem`], dir);
      const pem = readFileSync(`${base}.pem`, 'utf8');
      if (!options.ca) return { certificateFile: `${base}.pem`, keyFile: `${base}.key`, pem };
      const subDir = `${base}-ca`;
      mkdirSync(subDir, { recursive: true });
      writeFileSync(join(subDir, 'ca.pem'), pem);
      writeFileSync(join(subDir, 'ca.key'), readFileSync(`${base}.key`));
      const sub = setUp(subDir, leafName);
      return { certificateFile: `${base}.pem`, keyFile: `${base}.key`, pem, ca: sub };
    },
    record(certificateFile) {
      run(['ca', '-config', config, '-valid', certificateFile], dir);
    },
    revoke(certificateFile) {
      run(['ca', '-config', config, '-revoke', certificateFile, '-crl_reason', 'keyCompromise'], dir);
    },
    crl(options = {}) {
      const out = join(dir, `crl-${++crls}.pem`);
      run(['ca', '-config', config, '-gencrl', '-crlhours', String(options.hours ?? 24), '-crlexts', 'crl_ext', '-out', out], dir);
      return readFileSync(out, 'utf8');
    },
    staleCrl() {
      return ca.crlAt(new Date(Date.now() - 48 * 3600_000), new Date(Date.now() - 24 * 3600_000));
    },
    crlAt(lastUpdate, nextUpdate) {
      const out = join(dir, `crl-${++crls}.pem`);
      const time = (date: Date) => date.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
      run(['ca', '-config', config, '-gencrl', '-crl_lastupdate', time(lastUpdate), '-crl_nextupdate', time(nextUpdate), '-crlexts', 'crl_ext', '-out', out], dir);
      return readFileSync(out, 'utf8');
    },
  };
  if (!existsSync(join(dir, 'ocsp.pem'))) {
    // The CA's delegated OCSP responder (RFC 6960 section 4.2.2.2: issued by the CA, EKU id-kp-OCSPSigning).
    run(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'ocsp.key'], dir);
    run(['req', '-new', '-key', 'ocsp.key', '-subj', `/CN=${name} OCSP responder`, '-out', 'ocsp.csr'], dir);
    run(['x509', '-req', '-in', 'ocsp.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '30',
      '-extfile', config, '-extensions', 'ocsp_signer', '-out', 'ocsp.pem'], dir);
  }
  return ca;
}

/** A new self-signed root CA in a temporary directory. `cleanup()` removes it. */
export function createRootCa(name = 'Revocation Test Root'): OpensslCa & { cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'mtls-pop-ca-'));
  run(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', join(dir, 'ca.key')], dir);
  writeFileSync(join(dir, 'root.cnf'), CONFIG(dir));
  run(['req', '-x509', '-new', '-key', join(dir, 'ca.key'), '-subj', `/CN=${name}`, '-days', '60', '-config', join(dir, 'root.cnf'),
    '-extensions', 'v3_ca', '-out', join(dir, 'ca.pem')], dir);
  const ca = setUp(dir, name);
  return Object.assign(ca, { cleanup: () => rmSync(dir, { recursive: true, force: true }) });
}

/** An `openssl ca` database around an existing CA certificate and key (copied to a temporary directory). */
export function adoptCa(certificateFile: string, keyFile: string, name = 'adopted'): OpensslCa & { cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'mtls-pop-ca-'));
  writeFileSync(join(dir, 'ca.pem'), readFileSync(certificateFile));
  writeFileSync(join(dir, 'ca.key'), readFileSync(keyFile));
  const ca = setUp(dir, name);
  return Object.assign(ca, { cleanup: () => rmSync(dir, { recursive: true, force: true }) });
}
