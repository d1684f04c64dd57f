import { literalSet, percentDecodeStrict } from './percent-decode.js';
import { pemChain } from './pem-blocks.js';
import type { FormatDecoder } from './types.js';

// AWS documents `+`, `=` and `/` as left unescaped; they are base64 characters here, never spaces.
const ALB_LITERALS = literalSet('+/=');

/**
 * AWS Application Load Balancer: `X-Amzn-Mtls-Clientcert-Leaf` (verify mode, the leaf) and
 * `X-Amzn-Mtls-Clientcert` (passthrough mode, the whole chain the client sent, leaf first),
 * URL-encoded PEM with `+ = /` literal. One or more PEM blocks: the first is the leaf.
 */
export const awsAlb: FormatDecoder = {
  decode: (value) => pemChain(percentDecodeStrict(value, ALB_LITERALS)),
};
