import {
  applyDecorators,
  ArgumentMetadata,
  BadRequestException,
  Param,
  ParseUUIDPipe,
  PipeTransform,
  ValidationError,
  ValidationPipe,
} from '@nestjs/common';
import { FieldError } from './problem';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Max,
  Min,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import { formatPounds } from './money';
import {
  MAX_BODY_DEPTH,
  MAX_BODY_NODES,
  MAX_OBJECT_KEYS,
  tooDeep,
  tooMany,
  tooWide,
} from './input-limits';

// Most field errors one answer lists: a body with hundreds of wrong fields gets a short answer
// saying how many more there were, not a list as long as the body.
export const MAX_FIELD_ERRORS = 50;

export class RequestValidationError extends BadRequestException {
  readonly errors: FieldError[];
  // How many errors were found beyond the ones listed.
  readonly omitted: number;

  constructor(errors: FieldError[]) {
    super('The request has invalid fields.');
    this.errors = errors.slice(0, MAX_FIELD_ERRORS);
    this.omitted = errors.length - this.errors.length;
  }
}

// Nested errors flatten to dotted paths (`criteria.0.weight`) so a client can point at the field.
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([rule, message]) => ({
      field,
      message:
        rule === 'whitelistValidation'
          ? `${field} is not a field this request accepts; remove it`
          : message,
    }));
    return own.concat(flattenValidationErrors(error.children ?? [], field));
  });
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// Control characters no keyboard types into text (a bell, a backspace, an escape sequence, DEL,
// the C1 set); tab, line feed and carriage return stay, as a pasted paragraph holds them.
const CONTROL_RANGES = '\\u0001-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f';
const CONTROL = new RegExp(`[${CONTROL_RANGES}]`);

// Bidirectional embeddings, overrides and isolates: a list shows text in an order other than
// the one stored ("Trojan Source"). The marks a right-to-left script uses (U+200E, U+200F) stay.
const DIRECTION = /[\u202a-\u202e\u2066-\u2069]/;

// The first character of a text that `pattern` matches, as U+XXXX for the message.
function characterOf(pattern: RegExp, text: string): string | null {
  const found = pattern.exec(text);
  return found ? `U+${found[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}` : null;
}

interface Pending {
  value: unknown;
  field: string;
  depth: number;
}

// Text no field can hold, wherever it is in a body or query: the NUL character (PostgreSQL text
// refuses it), lone UTF-16 surrogates (not Unicode; they cannot be stored or encoded as UTF-8)
// and other control characters (nobody types them; stored, they spoil emails and exports). Also
// shapes too big to transform safely: nested beyond MAX_BODY_DEPTH, an object of more than
// MAX_OBJECT_KEYS fields, more than MAX_BODY_NODES values in all. Walked without
// recursion, each value once, stopping at the first shape problem: time linear in the body, and
// bounded by the caps whatever its size.
export function unsafeInputErrors(value: unknown, root: string): FieldError[] {
  const errors: FieldError[] = [];
  const stack: Pending[] = [{ value, field: '', depth: 0 }];
  let nodes = 1;
  for (let item = stack.pop(); item && errors.length < 10; item = stack.pop()) {
    const { value: node, field, depth } = item;
    const name = field || root;
    if (typeof node === 'string') {
      if (node.includes('\u0000')) {
        errors.push({ field: name, message: `${name} must not contain the NUL character` });
      } else if (LONE_SURROGATE.test(node)) {
        errors.push({ field: name, message: `${name} is not valid Unicode text` });
      } else {
        const control = characterOf(CONTROL, node);
        const direction = control ? null : characterOf(DIRECTION, node);
        if (control) {
          errors.push({
            field: name,
            message: `${name} must not contain control characters (it has ${control}); only tabs and line breaks may be in text`,
          });
        } else if (direction) {
          errors.push({
            field: name,
            message: `${name} must not contain characters that change the text's direction (it has ${direction}); remove them and type the text as it reads`,
          });
        }
      }
    } else if (node !== null && typeof node === 'object') {
      const shape = shapeError(node, name, depth, nodes);
      if (shape) {
        return [shape];
      }
      errors.push(...inheritedNameErrors(node, field));
      nodes += pushChildren(node, field, depth, stack);
    }
  }
  return errors;
}

// Keys named after what every object inherits (toString, constructor, __proto__, ...): class
// validation takes them for the instance's own and lets them through, so they are refused here,
// as any other key no request accepts is.
const INHERITED_NAMES = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

function inheritedNameErrors(node: object, field: string): FieldError[] {
  if (Array.isArray(node)) {
    return [];
  }
  return Object.keys(node)
    .filter((key) => INHERITED_NAMES.has(key))
    .map((key) => {
      const name = field ? `${field}.${key}` : key;
      return { field: name, message: `${name} is not a field this request accepts; remove it` };
    });
}

// What is wrong with the shape of an object or list about to be walked, if anything: the same
// limits as jsonShapeError checks on a body's text, here for queries and any parsed value.
function shapeError(node: object, name: string, depth: number, nodes: number): FieldError | null {
  if (depth >= MAX_BODY_DEPTH) {
    return tooDeep(name);
  }
  const size = Array.isArray(node) ? node.length : Object.keys(node).length;
  if (!Array.isArray(node) && size > MAX_OBJECT_KEYS) {
    return tooWide(name);
  }
  return nodes + size > MAX_BODY_NODES ? tooMany(name) : null;
}

function pushChildren(node: object, field: string, depth: number, stack: Pending[]): number {
  if (Array.isArray(node)) {
    const list: unknown[] = node;
    for (let i = 0; i < list.length; i++) {
      stack.push({ value: list[i], field: field ? `${field}.${i}` : String(i), depth: depth + 1 });
    }
    return list.length;
  }
  const keys = Object.keys(node);
  for (const key of keys) {
    const child = (node as Record<string, unknown>)[key];
    stack.push({ value: child, field: field ? `${field}.${key}` : key, depth: depth + 1 });
  }
  return keys.length;
}

class RequestValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query') {
      const errors = unsafeInputErrors(value, metadata.data ?? metadata.type);
      if (errors.length > 0) {
        throw new RequestValidationError(errors);
      }
    }
    return super.transform(value, metadata);
  }
}

export function createValidationPipe(): ValidationPipe {
  return new RequestValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new RequestValidationError(flattenValidationErrors(errors)),
  });
}

// UUIDs are compared as text once read (in maps, with ids the database answers), and the
// database writes them in lower case; one written in capitals names the same object.
const lowerCaseUuid: PipeTransform<string, string> = { transform: (value) => value.toLowerCase() };

// A path id that is not a UUID is a client mistake (400 naming the parameter), not a 404 or a 500.
export function UuidParam(name = 'id'): ParameterDecorator {
  return Param(
    name,
    new ParseUUIDPipe({
      exceptionFactory: () =>
        new RequestValidationError([
          { field: name, message: `${name} in the path must be a UUID` },
        ]),
    }),
    lowerCaseUuid,
  );
}

// Surrounding spaces in a pasted name or email are never meant; drop them before validating.
export const trimString = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? trimmed(value) : value;

// The same for each text of a list (a round's crime types, an award's conditions), so that one
// of only spaces is blank and refused.
export const trimEach = ({ value }: { value: unknown }): unknown =>
  Array.isArray(value)
    ? (value as unknown[]).map((item) => (typeof item === 'string' ? trimmed(item) : item))
    : value;

// Spaces at either end, and the zero-width characters JavaScript's trim keeps (zero-width space,
// non-joiner, joiner, word joiner): a text of only those is blank.
const EDGES = /^[\s\u200b-\u200d\u2060]+|[\s\u200b-\u200d\u2060]+$/g;
function trimmed(text: string): string {
  return text.replace(EDGES, '');
}

// A positive whole number of pence, at most `max`: how every amount of money arrives. With
// `zero`, nothing (0) is allowed too, for amounts that may truly be none (match funding spent).
export function IsPence(
  field: string,
  max = Number.MAX_SAFE_INTEGER,
  { zero = false } = {},
): PropertyDecorator {
  const limit =
    max === Number.MAX_SAFE_INTEGER
      ? `${field} is too large`
      : `${field} may be at most ${max} pence (${formatPounds(max)})`;
  return applyDecorators(
    IsInt({ message: `${field} must be a whole number of pence` }),
    zero
      ? Min(0, { message: `${field} may not be negative` })
      : Min(1, { message: `${field} must be at least 1 penny` }),
    Max(max, { message: limit }),
  );
}

// Free text a person writes (a reason, a justification): trimmed, then min to max characters.
export function TrimmedText(min: number, max: number): PropertyDecorator {
  return (target, key) => {
    const field = String(key);
    Transform(trimString)(target, key);
    IsString({ message: `${field} is required and must be text` })(target, key);
    Length(min, max, {
      message: `${field} must be ${min} to ${max} characters (surrounding spaces are dropped)`,
    })(target, key);
  };
}

// A real day of the calendar written `YYYY-MM-DD` (not 30 February, which Date.parse accepts).
export function isCalendarDate(value: string): boolean {
  const date = new Date(`${value}T00:00:00Z`);
  return (
    /^(19|2\d)\d{2}-\d{2}-\d{2}$/.test(value) &&
    !Number.isNaN(date.getTime()) &&
    date.toISOString().slice(0, 10) === value
  );
}

// A calendar date without a time (`2026-04-01`), as delivery dates, milestones and checks take
// it: the shape, a year from 1900 to 2999, and a day the calendar has (no 30 February).
export function IsDateOnly(field: string, example: string): PropertyDecorator {
  return ValidateBy({
    name: 'isDateOnly',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && isCalendarDate(value),
      defaultMessage: () => `${field} must be a real calendar date such as ${example}`,
    },
  });
}

// Each item of a list of nested objects must be an object: ValidateNested alone lets a list of
// lists through (`[[]]` has nothing in it to validate).
export function EachIsObject(): PropertyDecorator {
  return IsObject({
    each: true,
    message: ({ property }) => `each item of ${property} must be an object`,
  });
}

// An optional list of nested objects (lines, milestones, risks), each validated as `type`, at
// most `max` long.
export function OptionalListOf(type: () => new () => object, max: number): PropertyDecorator {
  return applyDecorators(
    IsOptional(),
    IsArray(),
    ArrayMaxSize(max),
    EachIsObject(),
    ValidateNested({ each: true }),
    Type(type),
  );
}

// An instant as RFC 3339 writes it (`2026-04-01T09:30:00Z`, `2026-04-01T10:30:00+01:00`): a
// date, a time and an offset, so it means the same moment on every server.
export function IsInstant(field: string): PropertyDecorator {
  const shape = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;
  return ValidateBy({
    name: 'isInstant',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' &&
        shape.test(value) &&
        isCalendarDate(value.slice(0, 10)) &&
        !Number.isNaN(new Date(value).getTime()),
      defaultMessage: () =>
        `${field} must be a date and time with its offset, such as 2026-04-01T09:30:00Z`,
    },
  });
}
