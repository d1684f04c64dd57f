import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** A fetch that cannot hang or fill memory: one deadline for the whole exchange, a cap on the body. */
export interface BoundedRequest {
  readonly url: URL;
  readonly method: 'GET' | 'POST';
  readonly body?: Buffer;
  readonly contentType?: string;
  readonly accept: string;
  readonly timeoutMs: number;
  readonly maxBytes: number;
}

/** Why a fetch gave no answer; the message is safe to log (no body content). */
export class FetchError extends Error {
  override readonly name = 'FetchError';
}

/**
 * The body of a 200 answer. Redirects are not followed (RFC 5019 section 5 responders answer
 * directly; a redirect to elsewhere is not what was configured).
 * @throws {FetchError} on a timeout, a non-200 status, a body over `maxBytes`, or a network error
 */
export function boundedFetch(options: BoundedRequest): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const send = options.url.protocol === 'https:' ? httpsRequest : httpRequest;
    let settled = false;
    const finish = (error: Error | undefined, body?: Buffer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) {
        req.destroy();
        reject(error);
      } else resolve(body!);
    };
    const req = send(options.url, {
      method: options.method,
      headers: {
        accept: options.accept,
        ...(options.body ? { 'content-type': options.contentType!, 'content-length': options.body.length } : {}),
      },
    }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        finish(new FetchError(`HTTP ${res.statusCode} from ${options.url.origin}`));
        return;
      }
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > options.maxBytes) {
        finish(new FetchError(`the answer of ${options.url.origin} declares ${declared} bytes, above the cap of ${options.maxBytes}`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxBytes) finish(new FetchError(`the answer of ${options.url.origin} exceeds the cap of ${options.maxBytes} bytes`));
        else chunks.push(chunk);
      });
      res.on('end', () => finish(undefined, Buffer.concat(chunks)));
      res.on('error', (error) => finish(new FetchError(`reading the answer of ${options.url.origin}: ${error.message}`)));
    });
    const timer = setTimeout(() => finish(new FetchError(`no complete answer from ${options.url.origin} within ${options.timeoutMs} ms`)), options.timeoutMs);
    timer.unref();
    req.on('error', (error) => finish(new FetchError(`${options.url.origin}: ${error.message}`)));
    req.end(options.body);
  });
}
