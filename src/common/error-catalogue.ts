import { DomainError } from './domain-error';
import type { FieldError } from './problem';

// One refusal a feature declares: its stable code, the HTTP status it is always answered with,
// and the sentence said when the throwing site has nothing more specific to say.
export interface ErrorEntry<Code extends string = string> {
  readonly code: Code;
  readonly status: number;
  readonly message: string;
}

// What a throwing site may add: a message naming the numbers, field errors, extension members.
export interface ErrorDetails {
  message?: string;
  errors?: FieldError[];
  extensions?: Record<string, unknown>;
}

type Declarations = Record<string, { status: number; message: string }>;

export type Catalogue<D extends Declarations> = { readonly [C in keyof D & string]: ErrorEntry<C> };

// A feature's catalogue (`bids.errors.ts` and the like): each code declared once. The keys are
// the codes, so a site names one as `BID_ERRORS['bid-frozen']` and a typo does not compile.
export function errorCatalogue<const D extends Declarations>(declarations: D): Catalogue<D> {
  return Object.fromEntries(
    Object.entries(declarations).map(([code, { status, message }]) => [
      code,
      Object.freeze({ code, status, message }),
    ]),
  ) as Catalogue<D>;
}

// The error a site throws for a catalogue entry; DomainError stays the one class the problem
// filter turns into problem+json.
export function refusal(entry: ErrorEntry, details: ErrorDetails = {}): DomainError {
  return new DomainError(
    entry.code,
    entry.status,
    details.message ?? entry.message,
    details.errors,
    details.extensions,
  );
}

// A feature's thrower: `bidError('bid-frozen', { message })`, typed to that feature's codes.
export function errorsOf<C extends string>(catalogue: { readonly [K in C]: ErrorEntry<K> }): (
  code: C,
  details?: ErrorDetails,
) => DomainError {
  return (code, details) => refusal(catalogue[code], details);
}
