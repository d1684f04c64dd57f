/**
 * The chains of the path-validation differential: each case names the certificates openssl
 * issues (root first, leaf last), what is sent beside the leaf, and, where mtls-pop is
 * deliberately stricter than `openssl verify -x509_strict -purpose sslclient`, the rule that says so.
 */
import { CA_EXTENSIONS as CA, CLIENT_EXTENSIONS as LEAF } from '../../helpers/openssl-ca.js';

/** One certificate to issue. `key` names a shared key; `keyAlgorithm` makes it of another type. */
export interface CertificateSpec {
  readonly subject?: string;
  readonly key?: string;
  readonly keyAlgorithm?: readonly string[];
  readonly extensions: string;
  readonly days?: number;
  readonly start?: string;
  readonly end?: string;
  /** Issue this certificate with the key and name of this other spec instead of its parent (forgeries). */
  readonly signer?: CertificateSpec;
  /** Issue this certificate by itself, whatever comes before it. */
  readonly selfSigned?: boolean;
}

export interface DifferentialCase {
  readonly name: string;
  /** Root first, then intermediates, the leaf last. */
  readonly chain: readonly CertificateSpec[];
  /** Indexes in `chain` of the intermediates sent with the leaf; default all between root and leaf. */
  readonly sent?: readonly number[];
  /** Indexes in `chain` of intermediates configured on the validator (and given to OpenSSL as -untrusted too). */
  readonly configured?: readonly number[];
  /** Further certificates, each issued under `chain[issuer]`, sent before the chain's own intermediates. */
  readonly alsoSent?: readonly { readonly spec: CertificateSpec; readonly issuer: number }[];
  /** Validation time: now, or `+<n>d` days from now. */
  readonly at?: string;
  /** Where we refuse what OpenSSL accepts on purpose: the rule, cited. */
  readonly stricter?: string;
  /** The stricter rule is one OpenSSL applies too when asked (`-policy_check`): check that it agrees. */
  readonly opensslOption?: string;
}

const ROOT: CertificateSpec = { subject: '/C=US/O=Differential/CN=Root', key: 'root', extensions: CA, days: 365 };
const INTERMEDIATE: CertificateSpec = { subject: '/C=US/O=Differential/CN=Intermediate', key: 'intermediate', extensions: CA };
const ca = (extra: string, subject = INTERMEDIATE.subject, key = 'intermediate'): CertificateSpec => ({ subject, key, extensions: `${CA}\n${extra}` });
const caWith = (extensions: string): CertificateSpec => ({ ...INTERMEDIATE, extensions });
const leaf = (extra = '', subject = '/CN=client.example'): CertificateSpec => ({ subject, key: 'leaf', extensions: extra ? `${LEAF}\n${extra}` : LEAF });
const leafWith = (extensions: string, subject = '/CN=client.example'): CertificateSpec => ({ subject, key: 'leaf', extensions });
const LEAF_BASE = 'basicConstraints=critical,CA:FALSE\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid';
const under = (intermediate: CertificateSpec, client: CertificateSpec = leaf()): readonly CertificateSpec[] => [ROOT, intermediate, client];
const nc = (constraints: string, client: CertificateSpec, critical = true) => under(ca(`nameConstraints=${critical ? 'critical,' : ''}${constraints}`, INTERMEDIATE.subject, 'constrained'), client);
const san = (names: string, subject = '/CN=client') => leaf(`subjectAltName=${names}`, subject);
const UNKNOWN = '1.3.6.1.4.1.55555.7=critical,ASN1:NULL';

const KEY_USAGE_RULE = 'RFC 5280 section 4.2.1.3: digitalSignature is for "an entity authentication service"; a TLS client signs (RFC 8446 section 4.4.3), OpenSSL also takes keyAgreement alone';
const POLICY_RULE = 'RFC 5280 section 6.1.5 (g): with explicit_policy 0 the path needs a non-NULL valid_policy_tree; OpenSSL checks this only with -policy_check';
const KEY_RULE = 'issuer key bounds (RSA 2048-8192 bits, P-256/P-384/P-521): NIST SP 800-131A Rev. 2 section 3 disallows RSA below 2048 bits; RFC 5480 section 2.1.1.1 lists the curves we take';
const CRL_DP_RULE = 'RFC 5280 section 4.2: "A certificate-using system MUST reject the certificate if it encounters a critical extension it does not recognize"; revocation is checked after validation, so cRLDistributionPoints is not processed here';

export const CORPUS: readonly DifferentialCase[] = [
  // Plain valid paths.
  { name: 'root, leaf', chain: [ROOT, leaf()] },
  { name: 'root, intermediate, leaf', chain: under(INTERMEDIATE) },
  { name: 'root, two intermediates, leaf', chain: [ROOT, INTERMEDIATE, ca('', '/C=US/O=Differential/CN=Second', 'second'), leaf()] },
  { name: 'RSA-2048 intermediate', chain: under({ ...INTERMEDIATE, key: 'rsa-2048', keyAlgorithm: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'] }) },
  { name: 'RSA-2048 intermediate with exponent 3', chain: under({ ...INTERMEDIATE, key: 'rsa-e3', keyAlgorithm: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-pkeyopt', 'rsa_keygen_pubexp:3'] }) },
  { name: 'Ed25519 intermediate', chain: under({ ...INTERMEDIATE, key: 'ed25519', keyAlgorithm: ['-algorithm', 'ED25519'] }) },
  { name: 'P-384 root', chain: [{ ...ROOT, key: 'p384', keyAlgorithm: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'] }, INTERMEDIATE, leaf()] },
  { name: 'leaf without keyUsage or extKeyUsage', chain: under(INTERMEDIATE, leafWith(LEAF_BASE)) },
  { name: 'leaf for clientAuth and serverAuth', chain: under(INTERMEDIATE, leafWith(`${LEAF_BASE}\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth,clientAuth`)) },
  { name: 'leaf with every SAN type', chain: under(INTERMEDIATE, san('DNS:a.example,email:a@example.com,URI:https://a.example/,IP:192.0.2.1,IP:2001:db8::1')) },
  { name: 'intermediate configured, not sent', chain: under(INTERMEDIATE), sent: [], configured: [1] },
  // basicConstraints and pathLenConstraint.
  { name: 'intermediate with CA:FALSE', chain: under(caWith('basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid')) },
  { name: 'intermediate without basicConstraints', chain: under(caWith('keyUsage=critical,keyCertSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid')) },
  { name: 'intermediate with a non-critical basicConstraints', chain: under(caWith('basicConstraints=CA:TRUE\nkeyUsage=critical,keyCertSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid')) },
  { name: 'pathlen:0 intermediate above another CA', chain: [ROOT, caWith(CA.replace('CA:TRUE', 'CA:TRUE,pathlen:0')), ca('', '/C=US/O=Differential/CN=Second', 'second'), leaf()] },
  { name: 'pathlen:1 intermediate above another CA', chain: [ROOT, caWith(CA.replace('CA:TRUE', 'CA:TRUE,pathlen:1')), ca('', '/C=US/O=Differential/CN=Second', 'second'), leaf()] },
  { name: 'pathlen:0 intermediate above the leaf', chain: under(caWith(CA.replace('CA:TRUE', 'CA:TRUE,pathlen:0'))) },
  { name: 'pathlen:0 intermediate above a self-issued CA (key rollover)', chain: [ROOT, caWith(CA.replace('CA:TRUE', 'CA:TRUE,pathlen:0')), ca('', INTERMEDIATE.subject, 'rollover'), leaf()] },
  { name: 'pathlen:0 root above two CAs', chain: [{ ...ROOT, subject: '/CN=Root pathlen 0', key: 'root-pl0', extensions: CA.replace('CA:TRUE', 'CA:TRUE,pathlen:0') }, INTERMEDIATE, leaf()] },
  { name: 'leaf with a pathLenConstraint', chain: under(INTERMEDIATE, leafWith(LEAF.replace('CA:FALSE', 'CA:FALSE,pathlen:0'))) },
  // keyUsage.
  { name: 'intermediate without keyCertSign', chain: under(caWith('basicConstraints=critical,CA:TRUE\nkeyUsage=critical,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid')) },
  { name: 'intermediate without keyUsage', chain: under(caWith('basicConstraints=critical,CA:TRUE\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid')) },
  { name: 'leaf for keyEncipherment only', chain: under(INTERMEDIATE, leafWith(`${LEAF_BASE}\nkeyUsage=critical,keyEncipherment\nextendedKeyUsage=clientAuth`)) },
  { name: 'leaf for keyAgreement only', chain: under(INTERMEDIATE, leafWith(`${LEAF_BASE}\nkeyUsage=critical,keyAgreement\nextendedKeyUsage=clientAuth`)), stricter: KEY_USAGE_RULE },
  { name: 'non-CA leaf asserting keyCertSign', chain: under(INTERMEDIATE, leafWith(`${LEAF_BASE}\nkeyUsage=critical,digitalSignature,keyCertSign\nextendedKeyUsage=clientAuth`)) },
  // Extended key usage, on the leaf and on CAs.
  { name: 'leaf for serverAuth only', chain: under(INTERMEDIATE, leafWith(`${LEAF_BASE}\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth`)) },
  { name: 'leaf for anyExtendedKeyUsage', chain: under(INTERMEDIATE, leafWith(`${LEAF_BASE}\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=anyExtendedKeyUsage`)) },
  { name: 'leaf with a critical clientAuth EKU', chain: under(INTERMEDIATE, leafWith(`${LEAF_BASE}\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=critical,clientAuth`)) },
  { name: 'intermediate for serverAuth, leaf for clientAuth', chain: under(ca('extendedKeyUsage=serverAuth')) },
  { name: 'intermediate for serverAuth, leaf without EKU', chain: under(ca('extendedKeyUsage=serverAuth'), leafWith(`${LEAF_BASE}\nkeyUsage=critical,digitalSignature`)) },
  { name: 'intermediate for clientAuth', chain: under(ca('extendedKeyUsage=clientAuth')) },
  { name: 'intermediate for clientAuth and serverAuth', chain: under(ca('extendedKeyUsage=serverAuth,clientAuth')) },
  { name: 'intermediate for anyExtendedKeyUsage', chain: under(ca('extendedKeyUsage=anyExtendedKeyUsage')) },
  { name: 'root for serverAuth', chain: [{ ...ROOT, subject: '/CN=Server root', key: 'server-root', extensions: `${CA}\nextendedKeyUsage=serverAuth` }, INTERMEDIATE, leaf()] },
  { name: 'leaf with Netscape type server', chain: under(INTERMEDIATE, leaf('nsCertType=server')) },
  { name: 'leaf with Netscape type client', chain: under(INTERMEDIATE, leaf('nsCertType=client')) },
  // Validity of every link (the leaf stays valid where a CA is tested).
  { name: 'expired leaf', chain: under(INTERMEDIATE, { ...leaf(), start: '20200101000000Z', end: '20210101000000Z' }) },
  { name: 'leaf not yet valid', chain: under(INTERMEDIATE, { ...leaf(), start: '20950101000000Z', end: '20960101000000Z' }) },
  { name: 'expired intermediate, valid leaf', chain: under({ ...INTERMEDIATE, start: '20200101000000Z', end: '20210101000000Z' }, { ...leaf(), start: '20200101000000Z', end: '20400101000000Z' }) },
  { name: 'intermediate not yet valid, valid leaf', chain: under({ ...INTERMEDIATE, start: '20950101000000Z', end: '20960101000000Z' }, { ...leaf(), start: '20200101000000Z', end: '20400101000000Z' }) },
  { name: 'expired root, valid intermediate and leaf', chain: [{ ...ROOT, subject: '/CN=Old root', key: 'old-root', start: '20200101000000Z', end: '20210101000000Z' }, { ...INTERMEDIATE, start: '20200101000000Z', end: '20400101000000Z' }, { ...leaf(), start: '20200101000000Z', end: '20400101000000Z' }] },
  { name: 'leaf outliving its CA, checked while both are valid', chain: under({ ...INTERMEDIATE, days: 10 }, { ...leaf(), days: 400 }) },
  { name: 'leaf outliving its CA, checked after the CA expired', chain: under({ ...INTERMEDIATE, days: 10 }, { ...leaf(), days: 400 }), at: '+20d' },
  // Critical extensions on every certificate.
  { name: 'unknown critical extension on the leaf', chain: under(INTERMEDIATE, leaf(UNKNOWN)) },
  { name: 'unknown critical extension on the intermediate', chain: under(ca(UNKNOWN)) },
  { name: 'unknown critical extension on the root', chain: [{ ...ROOT, subject: '/CN=Odd root', key: 'odd-root', extensions: `${CA}\n${UNKNOWN}` }, INTERMEDIATE, leaf()] },
  { name: 'unknown non-critical extension', chain: under(ca('1.3.6.1.4.1.55555.7=ASN1:NULL'), leaf('1.3.6.1.4.1.55555.8=ASN1:NULL')) },
  { name: 'critical subjectKeyIdentifier on the intermediate', chain: under(caWith('basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\nsubjectKeyIdentifier=critical,hash\nauthorityKeyIdentifier=keyid')) },
  { name: 'critical certificatePolicies on the leaf', chain: under(INTERMEDIATE, leaf('certificatePolicies=critical,1.3.6.1.4.1.55555.1')) },
  { name: 'critical cRLDistributionPoints on the leaf', chain: under(INTERMEDIATE, leaf('crlDistributionPoints=critical,URI:http://127.0.0.1/crl')), stricter: CRL_DP_RULE },
  // Name constraints.
  { name: 'NC DNS permitted, leaf inside', chain: nc('permitted;DNS:partner.example', san('DNS:bob.partner.example')) },
  { name: 'NC DNS permitted, leaf outside', chain: nc('permitted;DNS:partner.example', san('DNS:alice.example.com')) },
  { name: 'NC DNS permitted (non-critical), leaf outside', chain: nc('permitted;DNS:partner.example', san('DNS:alice.example.com'), false) },
  { name: 'NC DNS permitted (non-critical), leaf inside', chain: nc('permitted;DNS:partner.example', san('DNS:partner.example'), false) },
  { name: 'NC DNS permitted, label glued on the left', chain: nc('permitted;DNS:partner.example', san('DNS:evilpartner.example')) },
  { name: 'NC DNS permitted, other case', chain: nc('permitted;DNS:partner.example', san('DNS:BOB.Partner.EXAMPLE')) },
  { name: 'NC DNS permitted with a leading dot, the domain itself', chain: nc('permitted;DNS:.partner.example', san('DNS:partner.example')) },
  { name: 'NC DNS permitted with a leading dot, a subdomain', chain: nc('permitted;DNS:.partner.example', san('DNS:a.partner.example')) },
  { name: 'NC DNS excluded, leaf inside the exclusion', chain: nc('excluded;DNS:secret.partner.example', san('DNS:x.secret.partner.example')) },
  { name: 'NC DNS excluded, leaf elsewhere', chain: nc('excluded;DNS:secret.partner.example', san('DNS:x.partner.example')) },
  { name: 'NC DNS permitted, one SAN of two outside', chain: nc('permitted;DNS:partner.example', san('DNS:a.partner.example,DNS:b.example.com')) },
  { name: 'NC DNS permitted, no SAN, hostname CN outside', chain: nc('permitted;DNS:partner.example', leaf('', '/CN=alice.example.com')) },
  { name: 'NC DNS permitted, no SAN, hostname CN inside', chain: nc('permitted;DNS:partner.example', leaf('', '/CN=alice.partner.example')) },
  { name: 'NC DNS permitted, no SAN, CN without a dot', chain: nc('permitted;DNS:partner.example', leaf('', '/CN=alice')) },
  { name: 'NC DNS permitted, an IP SAN only (type unconstrained)', chain: nc('permitted;DNS:partner.example', san('IP:192.0.2.7')) },
  { name: 'NC email host, mailbox at that host', chain: nc('permitted;email:partner.example', san('email:bob@partner.example')) },
  { name: 'NC email host, mailbox elsewhere', chain: nc('permitted;email:partner.example', san('email:bob@other.example')) },
  { name: 'NC email domain, mailbox in a subdomain', chain: nc('permitted;email:.partner.example', san('email:bob@mail.partner.example')) },
  { name: 'NC email domain, mailbox at the domain itself', chain: nc('permitted;email:.partner.example', san('email:bob@partner.example')) },
  { name: 'NC email mailbox, another mailbox', chain: nc('permitted;email:bob@partner.example', san('email:alice@partner.example')) },
  { name: 'NC email permitted, subject emailAddress outside', chain: nc('permitted;email:partner.example', leaf('', '/CN=eve/emailAddress=eve@other.example')) },
  { name: 'NC URI host, URI at that host', chain: nc('permitted;URI:partner.example', san('URI:https://partner.example/path')) },
  { name: 'NC URI host, URI elsewhere', chain: nc('permitted;URI:partner.example', san('URI:https://evil.example/partner.example')) },
  { name: 'NC URI domain, SPIFFE ID in it', chain: nc('permitted;URI:.partner.example', san('URI:spiffe://a.partner.example/workload')) },
  { name: 'NC URI host, URI without an authority', chain: nc('permitted;URI:partner.example', san('URI:urn:partner.example')) },
  { name: 'NC IPv4 permitted, address inside', chain: nc('permitted;IP:10.0.0.0/255.0.0.0', san('IP:10.1.2.3')) },
  { name: 'NC IPv4 permitted, address outside', chain: nc('permitted;IP:10.0.0.0/255.0.0.0', san('IP:192.168.1.1')) },
  { name: 'NC IPv4 excluded, address inside', chain: nc('excluded;IP:10.0.0.0/255.0.0.0', san('IP:10.1.2.3')) },
  { name: 'NC IPv6 permitted, IPv6 address inside', chain: nc('permitted;IP:2001:db8::/ffff:ffff::', san('IP:2001:db8::5')) },
  { name: 'NC IPv6 permitted, IPv4 address', chain: nc('permitted;IP:2001:db8::/ffff:ffff::', san('IP:10.1.2.3')) },
  { name: 'NC dirName permitted, subject inside', chain: nc('permitted;dirName:partner_dn', leaf('', '/C=US/O=Partner/CN=bob')) },
  { name: 'NC dirName permitted, subject outside', chain: nc('permitted;dirName:partner_dn', leaf('', '/C=US/O=Other/CN=bob')) },
  { name: 'NC dirName permitted, subject in other case', chain: nc('permitted;dirName:partner_dn', leaf('', '/C=us/O=PARTNER/CN=bob')) },
  { name: 'NC dirName excluded, subject inside', chain: nc('excluded;dirName:partner_dn', leaf('', '/C=US/O=Partner/CN=bob')) },
  { name: 'NC on the root, leaf outside', chain: [{ ...ROOT, subject: '/CN=Constrained root', key: 'nc-root', extensions: `${CA}\nnameConstraints=critical,permitted;DNS:partner.example` }, INTERMEDIATE, san('DNS:alice.example.com')] },
  { name: 'NC dirName, a CA below outside it', chain: [ROOT, ca('nameConstraints=critical,permitted;dirName:partner_dn', INTERMEDIATE.subject, 'constrained'), ca('', '/C=US/O=Other/CN=Sub', 'second'), leaf('', '/C=US/O=Partner/CN=bob')] },
  { name: 'NC URI host, URI with a port', chain: nc('permitted;URI:partner.example', san('URI:https://partner.example:8443/x')) },
  { name: 'NC URI host, URI with user info', chain: nc('permitted;URI:partner.example', san('URI:https://user@partner.example/x')) },
  { name: 'NC email host, host in other case', chain: nc('permitted;email:partner.example', san('email:bob@PARTNER.example')) },
  { name: 'NC email mailbox, local part in other case', chain: nc('permitted;email:bob@partner.example', san('email:Bob@partner.example')) },
  { name: 'NC DNS permitted in upper case, leaf in lower case', chain: nc('permitted;DNS:PARTNER.EXAMPLE', san('DNS:a.partner.example')) },
  { name: 'NC DNS permitted and excluded, leaf in both', chain: nc('permitted;DNS:partner.example,excluded;DNS:x.partner.example', san('DNS:a.x.partner.example')) },
  { name: 'NC two DNS permitted, leaf in the second', chain: nc('permitted;DNS:partner.example,permitted;DNS:other.example', san('DNS:a.other.example')) },
  { name: 'NC IPv4 /32 permitted, that address', chain: nc('permitted;IP:192.0.2.7/255.255.255.255', san('IP:192.0.2.7')) },
  { name: 'NC dirName permitted, a self-issued CA outside it above an inside leaf', chain: [ROOT, ca('nameConstraints=critical,permitted;dirName:partner_dn', INTERMEDIATE.subject, 'constrained'), ca('', INTERMEDIATE.subject, 'rollover'), leaf('', '/C=US/O=Partner/CN=bob')] },
  // Policies.
  { name: 'requireExplicitPolicy:0 without policies', chain: under(ca('policyConstraints=critical,requireExplicitPolicy:0')), stricter: POLICY_RULE, opensslOption: '-policy_check' },
  { name: 'requireExplicitPolicy:1 without policies', chain: under(ca('policyConstraints=critical,requireExplicitPolicy:1')), stricter: POLICY_RULE, opensslOption: '-policy_check' },
  { name: 'requireExplicitPolicy:0 with a policy on the path', chain: under(ca('policyConstraints=critical,requireExplicitPolicy:0\ncertificatePolicies=1.3.6.1.4.1.55555.1'), leaf('certificatePolicies=1.3.6.1.4.1.55555.1')) },
  { name: 'requireExplicitPolicy:0 with anyPolicy on the CA', chain: under(ca('policyConstraints=critical,requireExplicitPolicy:0\ncertificatePolicies=2.5.29.32.0'), leaf('certificatePolicies=1.3.6.1.4.1.55555.1')) },
  { name: 'requireExplicitPolicy:0, leaf with another policy', chain: under(ca('policyConstraints=critical,requireExplicitPolicy:0\ncertificatePolicies=1.3.6.1.4.1.55555.1'), leaf('certificatePolicies=1.3.6.1.4.1.55555.2')), stricter: POLICY_RULE, opensslOption: '-policy_check' },
  { name: 'inhibitAnyPolicy on the intermediate', chain: under(ca('inhibitAnyPolicy=critical,0\ncertificatePolicies=2.5.29.32.0')) },
  { name: 'policyMappings without an explicit policy', chain: under(ca('policyMappings=critical,1.3.6.1.4.1.55555.1:1.3.6.1.4.1.55555.2\ncertificatePolicies=1.3.6.1.4.1.55555.1')) },
  // Issuer keys.
  { name: 'RSA-1024 intermediate', chain: under({ ...INTERMEDIATE, key: 'rsa-1024', keyAlgorithm: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024'] }), stricter: KEY_RULE },
  { name: 'secp256k1 intermediate', chain: under({ ...INTERMEDIATE, key: 'k256', keyAlgorithm: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:secp256k1'] }), stricter: KEY_RULE },
  { name: 'RSA-1024 leaf (its key signs nothing in the path)', chain: under(INTERMEDIATE, { ...leaf(), key: 'rsa-1024-leaf', keyAlgorithm: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024'] }) },
  { name: 'leaf key with explicit EC parameters', chain: under(INTERMEDIATE, { ...leaf(), key: 'explicit-leaf', keyAlgorithm: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-pkeyopt', 'ec_param_enc:explicit'] }) },
  { name: 'P-521 intermediate', chain: under({ ...INTERMEDIATE, key: 'p521', keyAlgorithm: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-521'] }) },
  { name: 'RSA-PSS intermediate', chain: under({ ...INTERMEDIATE, key: 'rsa-pss', keyAlgorithm: ['-algorithm', 'RSA-PSS', '-pkeyopt', 'rsa_keygen_bits:2048'] }) },
  // Several candidates for one issuer.
  { name: 'expired copy of the intermediate sent first, valid one configured', chain: under({ ...INTERMEDIATE, days: 400 }), sent: [], configured: [1], alsoSent: [{ spec: { ...INTERMEDIATE, start: '20200101000000Z', end: '20210101000000Z' }, issuer: 0 }] },
  { name: 'expired copy of the intermediate sent beside the valid one', chain: under({ ...INTERMEDIATE, days: 400 }), alsoSent: [{ spec: { ...INTERMEDIATE, start: '20200101000000Z', end: '20210101000000Z' }, issuer: 0 }] },
  { name: 'only an expired copy of the intermediate', chain: under({ ...INTERMEDIATE, start: '20200101000000Z', end: '20210101000000Z' }, { ...leaf(), start: '20200101000000Z', end: '20400101000000Z' }) },
  { name: 'a same-name CA with another key sent first', chain: under(INTERMEDIATE), alsoSent: [{ spec: { ...INTERMEDIATE, key: 'other-ca-key' }, issuer: 0 }] },
  // Issuer linking and signatures.
  { name: 'intermediate neither sent nor configured', chain: under(INTERMEDIATE), sent: [] },
  { name: 'leaf signed by another key under the right issuer name', chain: [ROOT, INTERMEDIATE, { ...leaf(), signer: { ...INTERMEDIATE, key: 'forger' } }] },
  { name: 'issuer name in other case', chain: [ROOT, INTERMEDIATE, { ...leaf(), signer: { ...INTERMEDIATE, subject: '/C=us/O=DIFFERENTIAL/CN=intermediate' } }] },
  { name: 'issuer name with extra spaces', chain: [ROOT, INTERMEDIATE, { ...leaf(), signer: { ...INTERMEDIATE, subject: '/C=US/O=Differential/CN=  Intermediate ' } }] },
  { name: 'issuer name in full-width letters', chain: [ROOT, INTERMEDIATE, { ...leaf(), signer: { ...INTERMEDIATE, subject: '/C=US/O=Differential/CN=Ｉｎｔｅｒｍｅｄｉａｔｅ' } }] },
  { name: 'self-signed leaf', chain: [ROOT, { ...leaf(), subject: '/CN=self', key: 'self', selfSigned: true }] },
  // RFC 5280 profile (-x509_strict).
  { name: 'leaf without authorityKeyIdentifier', chain: under(INTERMEDIATE, leafWith('basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=none')) },
  { name: 'intermediate without subjectKeyIdentifier', chain: under(caWith('basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\nsubjectKeyIdentifier=none\nauthorityKeyIdentifier=keyid'), leafWith(LEAF.replace('authorityKeyIdentifier=keyid', 'authorityKeyIdentifier=issuer'))) },
  { name: 'leaf with an empty subjectAltName', chain: under(INTERMEDIATE, leaf('2.5.29.17=DER:3000')) },
];

/** The [partner_dn] section the dirName constraints refer to. */
export const DIRECTORY_SECTIONS = '[partner_dn]\nC = US\nO = Partner\n';
