// Client-certificate revocation (CRL + OCSP). pkijs is loaded lazily by the sources, never here.
export { RevocationChecker, type RevocationCheckResult } from './checker.js';
export { RevocationError, type RevocationErrorCode } from './errors.js';
export { REVOCATION_CHECKER_DEFAULTS, type RevocationCheckerOptions } from './options.js';
