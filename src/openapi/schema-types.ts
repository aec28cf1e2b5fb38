import type { OpenAPIObject } from '@nestjs/swagger';
import { getMetadataStorage } from 'class-validator';
import { ENUMS } from './enums';

type Schema = {
  type?: string;
  enum?: unknown[];
  items?: Schema;
  properties?: Record<string, Schema>;
  allOf?: Schema[];
  $ref?: string;
  description?: string;
  [key: string]: unknown;
};

// Whole numbers by the project's naming: money in pence, versions, paging and counts. Any
// property validated with @IsInt() on a request DTO is one too, and so is every property of the
// same name elsewhere (a name means one thing across the API).
const INTEGER_NAMES =
  /(Pence|Hundredths|Days|Count|Rank|Limit)$|^(version|limit|offset|total|quarter|status|attempts|sizeBytes|expiresIn|refreshExpiresIn|omittedErrors|rank|number|submission|submissions|awards|awarded|unsuccessful|load|position|sessionsEnded|overdueReturns|inAssessment|missing|thisQuarter|toDate)$|^assessments[A-Z]/;

function integerPropertyNames(): Set<string> {
  const storage = getMetadataStorage() as unknown as {
    validationMetadatas: Map<unknown, { name?: string; propertyName: string }[]>;
  };
  const names = new Set<string>();
  for (const list of storage.validationMetadatas.values()) {
    for (const metadata of list) {
      if (metadata.name === 'isInt') {
        names.add(metadata.propertyName);
      }
    }
  }
  return names;
}

function visit(
  schema: Schema | undefined,
  each: (schema: Schema, name?: string) => void,
  name?: string,
): void {
  if (!schema || typeof schema !== 'object') {
    return;
  }
  each(schema, name);
  for (const [key, property] of Object.entries(schema.properties ?? {})) {
    visit(property, each, key);
  }
  visit(schema.items, each, name);
  for (const part of schema.allOf ?? []) {
    visit(part, each, name);
  }
}

type Parameter = { name: string; schema?: Schema };

function everySchema(document: OpenAPIObject, each: (schema: Schema, name?: string) => void): void {
  for (const schema of Object.values(document.components?.schemas ?? {})) {
    visit(schema as Schema, each);
  }
  for (const item of Object.values(document.paths)) {
    for (const op of Object.values(item)) {
      const parameters = (op as { parameters?: Parameter[] } | undefined)?.parameters;
      for (const parameter of Array.isArray(parameters) ? parameters : []) {
        visit(parameter.schema, each, parameter.name);
      }
    }
  }
}

export function typeIntegers(document: OpenAPIObject): void {
  const validated = integerPropertyNames();
  everySchema(document, (schema, name) => {
    if (schema.type === 'number' && name && (validated.has(name) || INTEGER_NAMES.test(name))) {
      schema.type = 'integer';
    }
  });
}

// Every enum becomes one named, described schema (components/schemas), so generators make one
// type per enum; the catalogue (enums.ts) names each list of values and says what each means.
// An enum not in the catalogue stays inline (the document test fails on it).
export function nameEnums(document: OpenAPIObject): void {
  const schemas = (document.components ??= {}).schemas ?? {};
  const byValues = new Map(ENUMS.map((entry) => [JSON.stringify(entry.values), entry]));
  const replace = (schema: Schema): void => {
    if (!schema.enum) {
      return;
    }
    const entry = byValues.get(JSON.stringify(schema.enum));
    if (!entry) {
      return;
    }
    const type = typeof entry.values[0] === 'number' ? 'integer' : 'string';
    schemas[entry.name] = {
      type,
      enum: [...entry.values],
      example: entry.values[0],
      description: `${entry.description}\n\n${Object.entries(entry.meanings)
        .map(([value, meaning]) => `- \`${value}\`: ${meaning}`)
        .join('\n')}`,
    };
    const rest = Object.fromEntries(
      Object.entries(schema).filter(([key]) => key !== 'type' && key !== 'enum'),
    );
    for (const key of Object.keys(schema)) {
      delete schema[key];
    }
    const ref = { $ref: `#/components/schemas/${entry.name}` };
    // A $ref's siblings are ignored in OpenAPI 3.0: keep a description or example beside it
    // through allOf (and `nullable` needs its `type` beside it).
    Object.assign(
      schema,
      Object.keys(rest).length === 0
        ? ref
        : { ...(rest.nullable ? { type } : {}), allOf: [ref], ...rest },
    );
  };
  everySchema(document, (schema) => replace(schema));
  document.components.schemas = schemas;
}

// `allOf` with one schema and nothing beside it says no more than that schema: the reference
// itself (Swagger writes these for a named enum property with no description).
export function unwrapLoneAllOf(document: OpenAPIObject): void {
  everySchema(document, (schema) => {
    const keys = Object.keys(schema);
    if (keys.length === 1 && keys[0] === 'allOf' && schema.allOf?.length === 1) {
      const [only] = schema.allOf;
      delete schema.allOf;
      Object.assign(schema, only);
    }
  });
}

// The `sort` values of the lists (`AwardSort`, `BidSort`, ...) are field names, each also with a
// leading `-`: their meaning follows from that, written here once for all of them.
export function describeSortEnums(document: OpenAPIObject): void {
  for (const [name, schema] of Object.entries(document.components?.schemas ?? {}) as [
    string,
    Schema & { description?: string },
  ][]) {
    if (!name.endsWith('Sort') || !schema.enum || schema.description) {
      continue;
    }
    const meanings = schema.enum.map((value) => {
      const field = String(value).replace(/^-/, '');
      const order = String(value).startsWith('-') ? 'descending' : 'ascending';
      return `- \`${String(value)}\`: by ${field}, ${order}`;
    });
    schema.description = `The order of the list: a field, ascending, or with a leading \`-\`, descending; ties are broken by a unique key, so pages are stable\n\n${meanings.join('\n')}`;
  }
}
