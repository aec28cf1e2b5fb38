import type { OpenAPIObject } from '@nestjs/swagger';
import type { ExampleObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { PROBLEM_CONTENT_TYPE, problem } from '../common/problem';
import { operationsOf } from './openapi-document';

// The codes any route may answer with a status, whatever the feature: the access guard's,
// validation's, the framework's and optimistic concurrency's. A route documents its own codes
// in its response description; these are added to every response with that status.
export const GENERIC_PROBLEM_CODES: Record<string, Record<string, string>> = {
  '400': {
    'validation-failed': 'A field, query parameter or path id is invalid; `errors` lists each',
    'malformed-json': 'The body is not valid JSON',
    'bad-request': 'The request could not be read',
  },
  '401': {
    unauthenticated: 'No bearer token was sent',
    'token-invalid': 'The token is not one this API issued',
    'token-expired': 'The token has expired: refresh it or sign in again',
    'session-ended': 'The session was ended: sign in again',
    'second-factor-required': 'Sign in again with a code from your authenticator app',
  },
  '403': {
    forbidden: 'Your role may not do this',
    'second-factor-enrolment-required': 'Staff enrol a second factor before anything else',
  },
  '404': { 'not-found': 'No such object, or not one you may see' },
  '412': { 'version-mismatch': 'Changed since you read it: read it again' },
  '413': { 'payload-too-large': 'The body is bigger than this route accepts' },
  '415': { 'unsupported-media-type': 'Bodies are application/json' },
  '428': { 'if-match-required': 'Send If-Match with the version you last read' },
  '431': { 'headers-too-large': 'The request headers are too large' },
  '503': { 'database-unavailable': 'A service the API needs is not answering: retry later' },
};

const RETRY_AFTER = {
  description: 'Seconds to wait before trying again',
  schema: { type: 'integer', minimum: 0, example: 30 },
};

type Response = {
  description?: string;
  content?: Record<string, unknown>;
  headers?: Record<string, unknown>;
};

const exampleName = (code: string) => `problem-${code}`;

// Every error answer is application/problem+json with the ProblemDto schema, lists the codes it
// may carry (with an example of each), and 429/503 say when to retry. An operation that
// documents no 4xx still answers 431 to oversized headers, like every route.
export function describeProblemResponses(document: OpenAPIObject): void {
  const examples: Record<string, ExampleObject> = {};
  for (const [status, codes] of Object.entries(GENERIC_PROBLEM_CODES)) {
    for (const [code, meaning] of Object.entries(codes)) {
      examples[exampleName(code)] = {
        summary: meaning,
        value: { ...problem(Number(status), code, `${meaning}.`), instance: '/api/v1/bids' },
      };
    }
  }
  for (const { op } of operationsOf(document)) {
    const responses = op.responses as Record<string, Response>;
    if (!Object.keys(responses).some((status) => status.startsWith('4'))) {
      responses['431'] = { description: 'The request headers are too large' };
    }
    for (const [status, response] of Object.entries(responses)) {
      if (Number(status) >= 400) {
        describeProblem(status, response);
      }
    }
  }
  // Only the examples some response uses.
  const used = JSON.stringify(document.paths);
  document.components = {
    ...document.components,
    examples: Object.fromEntries(
      Object.entries(examples).filter(([name]) => used.includes(`/examples/${name}"`)),
    ),
  };
}

function describeProblem(status: string, response: Response): void {
  const codes = Object.keys(GENERIC_PROBLEM_CODES[status] ?? {});
  const listed = codes.map((code) => `\`${code}\``).join(', ');
  const description = response.description ?? '';
  if (listed && !description.includes('Generic codes:')) {
    response.description = `${description}${description ? '. ' : ''}Generic codes: ${listed}.`;
  }
  response.content = {
    [PROBLEM_CONTENT_TYPE]: {
      schema: { $ref: problemSchemaOf(response) },
      ...(codes.length > 0
        ? {
            examples: Object.fromEntries(
              codes.map((code) => [code, { $ref: `#/components/examples/${exampleName(code)}` }]),
            ),
          }
        : {}),
    },
  };
  if (status === '429' || status === '503') {
    response.headers = { ...response.headers, 'Retry-After': RETRY_AFTER };
  }
}

// The problem schema a route documented: ProblemDto, or a problem with fields of its own (a
// refusal that lists what stands in the way, such as CloseOutProblemDto).
function problemSchemaOf(response: Response): string {
  const documented = Object.values(response.content ?? {})
    .map((media) => (media as { schema?: { $ref?: string } }).schema?.$ref)
    .find((ref) => ref?.endsWith('ProblemDto'));
  return documented ?? '#/components/schemas/ProblemDto';
}
