// mtls-pop/chain: certificate path validation against a set of trust anchors, and revocation
// checking (CRL + OCSP) of the validated path. This file only re-exports. Kept out of the core
// entry so that its PKI dependencies never load there.
export { ChainValidator, CertificateChainError, type ChainErrorCode, type ChainValidatorOptions, type ChainValidationResult, type CertificateInput } from '../certificate/chain.js';
export { RevocationChecker, RevocationError, REVOCATION_CHECKER_DEFAULTS, type RevocationCheckerOptions, type RevocationCheckResult, type RevocationErrorCode } from '../revocation/index.js';
