import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger as PinoLogger } from 'pino';
import type { Logger } from '../log.js';

/** The id of the request being handled, carried across awaits. */
export const requestContext = new AsyncLocalStorage<string>();

/**
 * A Logger for the library parts (proxy, issuer, resource) that adds the current request's id
 * to every line, so their refusal lines join the access line of the same request.
 */
export function requestAwareLogger(base: PinoLogger): Logger {
  const withId = (object: object): object => {
    const reqId = requestContext.getStore();
    return reqId === undefined ? object : { reqId, ...object };
  };
  return {
    debug: (object, message) => base.debug(withId(object), message),
    info: (object, message) => base.info(withId(object), message),
    warn: (object, message) => base.warn(withId(object), message),
    error: (object, message) => base.error(withId(object), message),
  };
}
