import compress from '@fastify/compress';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

// JSON (problem+json too), HTML, CSV, text and the docs' scripts and styles; never what is
// compressed already (XLSX, PDF, images, archives) nor unknown bytes.
export const COMPRESSIBLE_TYPE =
  /^(?:text\/(?:html|csv|plain|css|javascript)|application\/(?:[\w.-]+\+)?json|application\/javascript|image\/svg\+xml)\s*(?:;|$)/i;

// Answers at least this big are compressed; smaller ones gain less than the work costs.
export const COMPRESSION_THRESHOLD_BYTES = 1024;

// The public API docs may be cached; nothing else is (answers carry personal data and tokens).
const CACHEABLE_PATHS = /^\/api\/docs(?:[/?#-]|$)/;

// HTTP details a browser client relies on, for every answer: no-store, conditional reads of
// versioned objects, and compression. The hooks run before the compression's own.
export async function applyResponsePolicy(fastify: FastifyInstance): Promise<void> {
  fastify.addHook('onSend', (request, reply, payload, done) => {
    if (!CACHEABLE_PATHS.test(request.url) && !reply.hasHeader('cache-control')) {
      // no-store keeps answers out of every cache, so Vary: Authorization is not needed.
      void reply.header('cache-control', 'no-store');
    }
    if (reply.hasHeader('etag')) {
      // A strong ETag names these exact bytes (RFC 9110 §8.8.3): a compressed copy would need
      // another tag, so versioned objects (a few KiB each) are sent as they are.
      request.headers['x-no-compression'] = '1';
      if (notModified(request, reply)) {
        void reply.code(304).removeHeader('content-type').removeHeader('content-length');
        done(null, null);
        return;
      }
    }
    done(null, payload);
  });
  await fastify.register(compress, {
    global: true,
    globalDecompression: false,
    encodings: ['br', 'gzip'],
    threshold: COMPRESSION_THRESHOLD_BYTES,
    customTypes: COMPRESSIBLE_TYPE,
  });
}

// A read whose If-None-Match names the current tag (weak comparison, RFC 9110 §13.1.2) or `*`.
function notModified(request: FastifyRequest, reply: FastifyReply): boolean {
  const ifNoneMatch = request.headers['if-none-match'];
  if (
    (request.method !== 'GET' && request.method !== 'HEAD') ||
    reply.statusCode !== 200 ||
    typeof ifNoneMatch !== 'string'
  ) {
    return false;
  }
  if (ifNoneMatch.trim() === '*') {
    return true;
  }
  const current = opaqueTag(String(reply.getHeader('etag')));
  return ifNoneMatch.split(',').some((tag) => opaqueTag(tag) === current);
}

function opaqueTag(tag: string): string {
  return tag.trim().replace(/^W\//, '');
}
