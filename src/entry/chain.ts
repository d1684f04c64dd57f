// mtls-pop/chain: certificate path validation against a set of trust anchors. This file only
// re-exports. Kept out of the core entry so that its PKI dependencies never load there.
export { ChainValidator, CertificateChainError, type ChainErrorCode, type ChainValidatorOptions, type ChainValidationResult, type CertificateInput } from '../certificate/chain.js';
