import { STATUS_CODES } from 'node:http';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { ExampleObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { PROBLEM_CONTENT_TYPE, problem } from '../common/problem';
import type { ErrorEntry } from '../common/error-catalogue';
import { operationsOf } from './openapi-document';
import { ALL_ERRORS, ErrorCode, REFUSES_EXTENSION } from './refusals';

// The codes any route may answer with a status, whatever the feature: the access guard's,
// validation's, the framework's and optimistic concurrency's. They are added to every response
// with their status; a route lists its own codes with @Refuses (refusals.ts).
const GENERIC_CODES: ErrorCode[] = [
  'validation-failed',
  'malformed-json',
  'bad-request',
  'unauthenticated',
  'token-invalid',
  'token-expired',
  'session-ended',
  'second-factor-required',
  'forbidden',
  'second-factor-enrolment-required',
  'not-found',
  'version-mismatch',
  'payload-too-large',
  'unsupported-media-type',
  'if-match-required',
  'headers-too-large',
  'database-unavailable',
];

const GENERIC_REFUSALS: ErrorEntry[] = GENERIC_CODES.map((code) => ALL_ERRORS[code]);

const RETRY_AFTER = {
  description: 'Seconds to wait before trying again',
  schema: { type: 'integer', minimum: 0, example: 30 },
};

type Response = {
  description?: string;
  content?: Record<string, unknown>;
  headers?: Record<string, unknown>;
};

const PROBLEM_SCHEMA = '#/components/schemas/ProblemDto';

const exampleName = (code: string) => `problem-${code}`;

// Every error answer is application/problem+json with the ProblemDto schema, lists the codes it
// may carry (the route's own from @Refuses, then the generic ones, with an example of each), and
// 429/503 say when to retry. An operation that documents no 4xx still answers 431 to oversized
// headers, like every route.
export function describeProblemResponses(document: OpenAPIObject): void {
  const examples: Record<string, ExampleObject> = {};
  const exampleOf = ({ code, status, message }: ErrorEntry) => {
    examples[exampleName(code)] = {
      summary: `${status} ${code}`,
      value: { ...problem(status, code, message), instance: '/api/v1/bids' },
    };
  };
  GENERIC_REFUSALS.forEach(exampleOf);
  for (const { op } of operationsOf(document)) {
    const operation = op as typeof op & { [REFUSES_EXTENSION]?: ErrorEntry[] };
    const refusals = operation[REFUSES_EXTENSION] ?? [];
    delete operation[REFUSES_EXTENSION];
    refusals.forEach(exampleOf);
    const responses = op.responses as Record<string, Response>;
    for (const { status } of refusals) {
      responses[status] ??= { description: STATUS_CODES[status] ?? 'Refused' };
    }
    if (!Object.keys(responses).some((status) => status.startsWith('4'))) {
      responses['431'] = { description: 'The request headers are too large' };
    }
    for (const [status, response] of Object.entries(responses)) {
      if (Number(status) >= 400) {
        describeProblem(status, response, refusals);
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

function describeProblem(status: string, response: Response, refusals: ErrorEntry[]): void {
  const own = [
    ...new Set(refusals.filter((entry) => String(entry.status) === status).map(({ code }) => code)),
  ];
  const generic = GENERIC_REFUSALS.filter((entry) => String(entry.status) === status)
    .map(({ code }) => code)
    .filter((code) => !own.includes(code));
  const listed = (codes: string[]) => codes.map((code) => `\`${code}\``).join(', ');
  let description = response.description ?? '';
  for (const [label, codes] of [
    ['Codes', own],
    ['Generic codes', generic],
  ] as const) {
    if (codes.length > 0 && !description.includes(`${label}:`)) {
      description = `${description}${description ? '. ' : ''}${label}: ${listed(codes)}.`;
    }
  }
  response.description = description;
  const schema = problemSchemaOf(response);
  // A problem with fields of its own has no example from the catalogue, which holds only the
  // message: an example without those fields would not match the schema.
  const codes = schema === PROBLEM_SCHEMA ? [...own, ...generic] : [];
  response.content = {
    [PROBLEM_CONTENT_TYPE]: {
      schema: { $ref: schema },
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
  return documented ?? PROBLEM_SCHEMA;
}
