import { jest } from '@jest/globals';
import { NO_EXPIRY_MAX_AGE_MS, TokenCache, type VerifiedToken } from '../../src/resource/cache.js';

const verified = (expiresAt: number | undefined): VerifiedToken =>
  ({ claims: {}, scopes: [], expiresAt, clientId: "c", binding: undefined }) as unknown as VerifiedToken;

describe('TokenCache', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('keeps an answer without exp (introspection) for at most NO_EXPIRY_MAX_AGE_MS, then asks again', () => {
    const cache = new TokenCache(10);
    cache.set('opaque', verified(undefined));
    expect(cache.get('opaque')).toBeDefined();
    jest.advanceTimersByTime(NO_EXPIRY_MAX_AGE_MS + 1);
    expect(cache.get('opaque')).toBeUndefined();
  });

  it('keeps a token until its exp, and never past maxAgeMs', () => {
    const cache = new TokenCache(10);
    cache.set('long', verified(Date.now() + 3_600_000), 5_000);
    jest.advanceTimersByTime(5_001);
    expect(cache.get('long')).toBeUndefined();
    cache.set('short', verified(Date.now() + 2_000));
    jest.advanceTimersByTime(2_001);
    expect(cache.get('short')).toBeUndefined();
  });

  it('does not cache a token that has already expired', () => {
    const cache = new TokenCache(10);
    cache.set('old', verified(Date.now() - 1));
    expect(cache.get('old')).toBeUndefined();
  });
});
