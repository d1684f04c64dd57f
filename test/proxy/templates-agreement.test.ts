import { MAX_NUMBERED_CHAIN_HEADERS } from '../../src/proxy/headers.js';
import { CHAIN_HEADER_COUNT, DEFAULT_HEADER_NAMES } from '../../src/templates/index.js';
import { CLIENT_CERTIFICATE_DEFAULTS } from '../../src/proxy/options.js';

describe('the middleware and the templates agree', () => {
  it('reads no more numbered chain headers than the Apache template sets (a higher one is refused as forged)', () => {
    expect(MAX_NUMBERED_CHAIN_HEADERS).toBe(CHAIN_HEADER_COUNT);
  });

  it('defaults to the certificate header name the templates set', () => {
    expect(CLIENT_CERTIFICATE_DEFAULTS.header).toBe(DEFAULT_HEADER_NAMES.certificateHeader.toLowerCase());
  });
});
