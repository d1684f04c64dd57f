import fc from 'fast-check';
import { checkBinding, readBinding } from '../../src/resource/binding.js';
import { extractBearerToken, isB64Token } from '../../src/resource/bearer.js';
import { BearerTokenError } from '../../src/resource/errors.js';
import { ClientCertificate } from '../../src/certificate/model.js';
import { certificateDer } from '../lib/samples.js';
import { mutatedString, randomText } from '../lib/strings.js';
import { PropertyViolation, expectOnly, timed, type FuzzTarget } from '../lib/target.js';

const BOUND = ClientCertificate.fromDer(certificateDer('client-ec')).thumbprint;
const OTHER = ClientCertificate.fromDer(certificateDer('client-rsa')).thumbprint;
const JWT = 'eyJhbGciOiJFUzI1NiIsInR5cCI6ImF0K2p3dCJ9.eyJjbmYiOnsieDV0I1MyNTYiOiJhIn19.c2ln';
const HEADER_SAMPLES = [`Bearer ${JWT}`, `bearer ${JWT}`, `Bearer  ${JWT}==`, 'Basic dXNlcjpwYXNz', 'DPoP abc', 'Bearer', 'Bearer ', `Bearer ${JWT} extra`];

export interface BearerInput {
  authorization: string[];
  url: string;
  body: unknown;
  cnf: unknown;
  policy: 'required' | 'ifPresent';
  presented: string | undefined;
}

const cnfValue = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom(BOUND, OTHER, BOUND.toLowerCase(), `${BOUND}=`, Buffer.from(BOUND, 'base64url').toString('hex'), BOUND.replace(/-/g, '+'), ` ${BOUND}`),
  fc.string({ unit: fc.constantFrom(...'AZaz09-_+/= '), minLength: 40, maxLength: 46 }),
  fc.anything({ maxDepth: 2 }),
);

const arbitrary: fc.Arbitrary<BearerInput> = fc.record({
  authorization: fc.array(fc.oneof(mutatedString(HEADER_SAMPLES), fc.constantFrom(...HEADER_SAMPLES), randomText(80)), { maxLength: 2 }),
  url: fc.oneof(fc.constant('/resource'), fc.constantFrom('/r?access_token=x', '/r?a=1&access_token', '/r?%61ccess_token=1', '/r?', '/r?access_token%3D1'), randomText(30).map((text) => `/r?${text}`)),
  body: fc.oneof(fc.constant(undefined), fc.constant({ access_token: 'x' }), fc.anything({ maxDepth: 1 })),
  cnf: fc.oneof(fc.record({ 'x5t#S256': cnfValue }), fc.dictionary(fc.string({ maxLength: 10 }), cnfValue, { maxKeys: 3 }), fc.anything({ maxDepth: 1 }), fc.constant(undefined)),
  policy: fc.constantFrom<'required' | 'ifPresent'>('required', 'ifPresent'),
  presented: fc.oneof(fc.constantFrom(BOUND, OTHER, undefined), randomText(50)),
});

const isRefusal = (error: unknown) => error instanceof BearerTokenError && [400, 401].includes(error.status);

/**
 * The pure core of requireCertificateBoundToken: extractBearerToken on random Authorization
 * headers, query strings and bodies; readBinding on random `cnf` claims; checkBinding against
 * random thumbprints. Only 400/401 BearerTokenErrors; a binding passes only on the exact thumbprint.
 */
export const bearerTarget: FuzzTarget<BearerInput> = {
  name: 'bearer-binding',
  description: 'extractBearerToken, readBinding and checkBinding (src/resource) on random Authorization headers, query strings, bodies and cnf claims',
  arbitrary,
  check(input) {
    const rawHeaders = input.authorization.flatMap((value, i) => [i % 2 ? 'authorization' : 'Authorization', value]);
    const request = { rawHeaders, headers: {}, url: input.url, body: input.body } as unknown as Parameters<typeof extractBearerToken>[0];
    let token: string | undefined;
    expectOnly(() => { token = timed(() => extractBearerToken(request)); }, isRefusal);
    // extractBearerToken hands back the raw credentials; the middleware refuses them unless isB64Token.
    if (token !== undefined && token.length === 0) throw new PropertyViolation('extracted an empty token');
    void (token !== undefined && timed(() => isB64Token(token!)));
    const claims = input.cnf === undefined ? {} : { cnf: input.cnf };
    let binding: ReturnType<typeof readBinding> | undefined;
    expectOnly(() => { binding = timed(() => readBinding(claims, input.policy)); }, isRefusal);
    if (!binding) return;
    const cnf = input.cnf as Record<string, unknown> | undefined;
    if (binding.bound !== (cnf !== undefined)) throw new PropertyViolation('binding read from an absent cnf, or lost from a present one');
    const passed = expectOnly(() => timed(() => checkBinding(binding!, input.presented)), isRefusal) === undefined;
    if (binding.bound && passed && cnf?.['x5t#S256'] !== input.presented) throw new PropertyViolation('a certificate passed the binding check with another thumbprint');
  },
  sliceRuns: 1000,
};
