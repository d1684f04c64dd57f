/**
 * A throw-away certificate authority driven by the `openssl` command line, for tests and benches
 * that need certificates OpenSSL itself made: `openssl req -x509 -CA` for ordinary certificates,
 * `openssl ca -startdate -enddate` when the validity period must be chosen. Keys are P-256 and
 * reused by name, so that a chain costs one process per certificate.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where a certificate and its key are. */
export interface Issued {
  readonly cert: string;
  readonly key: string;
}

export interface IssueOptions {
  /** File name stem. */
  name: string;
  /** `openssl -subj` form, e.g. `/CN=leaf/O=Example`. Default `/CN=<name>`. */
  subject?: string;
  /** Key name (shared keys make faster chains); default the certificate's own name. */
  key?: string;
  /** The issuer; default self-signed. */
  issuer?: Issued;
  /** Extension lines (openssl x509v3_config). */
  extensions: string;
  /** Days from now; default 30. */
  days?: number;
  /** `YYYYMMDDHHMMSSZ` validity bounds (uses `openssl ca`). */
  start?: string;
  end?: string;
}

const CA_CONFIG = `[ca]
default_ca = d
[d]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = p
unique_subject = no
email_in_dn = yes
copy_extensions = none
[p]
countryName = optional
stateOrProvinceName = optional
localityName = optional
organizationName = optional
organizationalUnitName = optional
commonName = optional
emailAddress = optional
domainComponent = optional
[req]
distinguished_name = dn
[dn]
`;

/** `openssl` with its output captured; throws with OpenSSL's message on failure. */
export function openssl(directory: string, args: readonly string[], input?: string): string {
  return execFileSync('openssl', args, { cwd: directory, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], ...(input === undefined ? {} : { input }) });
}

export class OpensslCa {
  readonly directory: string;
  #serial = 1000;

  constructor(directory: string = mkdtempSync(join(tmpdir(), 'mtls-pop-ca-'))) {
    this.directory = directory;
    mkdirSync(directory, { recursive: true });
    writeFileSync(join(directory, 'ca.cnf'), CA_CONFIG);
    writeFileSync(join(directory, 'index.txt'), '');
    writeFileSync(join(directory, 'serial'), '1000\n');
  }

  path(file: string): string {
    return join(this.directory, file);
  }

  read(file: string): string {
    return readFileSync(this.path(file), 'utf8');
  }

  /** A P-256 key (or `algorithm` given as genpkey arguments), created once per name. */
  key(name: string, algorithm: readonly string[] = ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']): string {
    const file = `${name}.key`;
    if (!existsSync(this.path(file))) openssl(this.directory, ['genpkey', ...algorithm, '-out', file]);
    return file;
  }

  issue(options: IssueOptions): Issued {
    const { name } = options;
    const key = this.key(options.key ?? name);
    const subject = options.subject ?? `/CN=${name}`;
    writeFileSync(this.path(`${name}.ext`), `[req]\ndistinguished_name = dn\n[dn]\n[v3]\n${options.extensions}\n`);
    const cert = `${name}.pem`;
    const serial = String(this.#serial++);
    if (options.start || options.end) {
      openssl(this.directory, ['req', '-new', '-utf8', '-config', 'ca.cnf', '-key', key, '-subj', subject, '-out', `${name}.csr`]);
      const issuer = options.issuer ?? { cert, key };
      openssl(this.directory, ['ca', '-batch', '-notext', '-utf8', '-preserveDN', '-config', 'ca.cnf', '-in', `${name}.csr`, '-out', cert,
        ...(options.issuer ? ['-cert', issuer.cert, '-keyfile', issuer.key] : ['-selfsign', '-keyfile', key]),
        '-startdate', options.start ?? '20200101000000Z', '-enddate', options.end ?? '20991231000000Z', '-extfile', `${name}.ext`, '-extensions', 'v3']);
    } else {
      openssl(this.directory, ['req', '-x509', '-new', '-utf8', '-config', `${name}.ext`, '-key', key, '-subj', subject, '-set_serial', serial,
        '-days', String(options.days ?? 30), '-extensions', 'v3', '-out', cert,
        ...(options.issuer ? ['-CA', options.issuer.cert, '-CAkey', options.issuer.key] : [])]);
    }
    return { cert, key };
  }

  remove(): void {
    rmSync(this.directory, { recursive: true, force: true });
  }
}

/** Extension lines of a CA certificate, with key identifiers as `-x509_strict` wants them. */
export const CA_EXTENSIONS = 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid';
/** Extension lines of a TLS client certificate. */
export const CLIENT_EXTENSIONS = 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid';
