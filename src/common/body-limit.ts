import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { commonError } from './common.errors';
import { jsonShapeError } from './input-limits';
import { RequestValidationError } from './validation';

// Largest body a route reads unless it says less: a bid with every list full and every text at
// its longest fits well within it.
export const DEFAULT_BODY_LIMIT = 1_048_576;
// Routes whose bodies are a few short fields (the sign-in): anything bigger is refused with 413
// before it is read, let alone parsed.
export const SMALL_BODY_LIMIT = 16_384;

// The most bytes of body this route reads; a bigger one answers 413 payload-too-large.
export function BodyLimit(bytes: number): MethodDecorator {
  return RouteConfig({ bodyLimit: bytes });
}

// Fastify takes a body limit per route in the route's options, which Nest does not set; Nest does
// pass the route's config (from @RouteConfig), so this hook copies the limit across. It must be
// added before the application registers its routes (before app.init()).
export function applyRouteBodyLimits(fastify: FastifyInstance): void {
  fastify.addHook('onRoute', (route) => {
    const config = (route.config ?? {}) as { bodyLimit?: unknown };
    if (typeof config.bodyLimit === 'number') {
      route.bodyLimit = config.bodyLimit;
    }
  });
}

// JSON is UTF-8 (RFC 8259). The decoder refuses other bytes instead of turning them into
// replacement characters, and drops a leading byte order mark.
const UTF8 = new TextDecoder('utf-8', { fatal: true });

// Fastify's JSON parser, after the shape check: a body over the limits is refused (400 naming
// the limit) before it is parsed. The body is read as bytes and decoded here: read as a string,
// a Latin-1 body was answered "size did not match Content-Length", or, sent chunked, stored
// with replacement characters.
export function checkJsonShapeBeforeParsing(fastify: FastifyInstance): void {
  const { onProtoPoisoning, onConstructorPoisoning } = fastify.initialConfig;
  const parse = fastify.getDefaultJsonParser(
    onProtoPoisoning ?? 'error',
    onConstructorPoisoning ?? 'error',
  );
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const text = utf8TextOf(body as Buffer);
    if (text === null) {
      done(notUtf8Error(), undefined);
      return;
    }
    const refused = jsonShapeError(text);
    if (refused) {
      done(new RequestValidationError([refused]), undefined);
      return;
    }
    void parse(request, text, (error, parsed) => {
      done(error && isWellFormed(text) ? poisonedKeyError() : error, parsed);
    });
  });
}

function utf8TextOf(body: Buffer): string | null {
  try {
    return UTF8.decode(body);
  } catch {
    return null;
  }
}

function notUtf8Error(): Error {
  return commonError('malformed-json', {
    message:
      'The request body is not UTF-8 text (it may be Latin-1 or UTF-16); send the JSON encoded as UTF-8.',
  });
}

// Fastify's parser refuses a prototype-poisoning key with the same words as broken JSON; a
// body that is well formed was refused for its key, so the answer says so.
function isWellFormed(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function poisonedKeyError(): Error {
  return commonError('malformed-json', {
    message:
      'The request body uses the key __proto__ or constructor.prototype, which is never accepted; remove it.',
  });
}
