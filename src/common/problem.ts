import { STATUS_CODES } from 'node:http';

export interface FieldError {
  field: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  // The request's id (X-Request-Id), so a person can quote it and find the logs.
  requestId?: string;
  errors?: FieldError[];
  // Errors found beyond those listed in `errors` (an answer lists a bounded number).
  omittedErrors?: number;
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

// RFC 9457 body; `type` is a stable URN per code, so clients can branch on it.
export function problem(
  status: number,
  code: string,
  detail: string,
  errors?: FieldError[],
  extensions: Record<string, unknown> = {},
): Problem {
  return {
    ...extensions,
    type: `urn:safer-streets:problem:${code}`,
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    code,
    ...(errors && errors.length > 0 ? { errors } : {}),
  };
}
