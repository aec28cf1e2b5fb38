import { ROLES } from '../../src/common/access';

// The API's own OpenAPI document, read: each operation's roles, path parameters, query
// parameters, headers and request body schema (with $ref and allOf inlined), which decide what
// the fuzzer sends wrong (see fuzz-requests.ts and fuzz-bodies.ts).

// Every role, and no token at all.
export const PRINCIPALS = [...ROLES, 'none'] as const;
export type Principal = (typeof PRINCIPALS)[number];

export interface Schema {
  $ref?: string;
  allOf?: Schema[];
  type?: string;
  format?: string;
  enum?: unknown[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  nullable?: boolean;
  example?: unknown;
  default?: unknown;
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema: Schema;
}

export interface OpenApiDocument {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: Parameter[];
        requestBody?: { content: Record<string, { schema: Schema }> };
        'x-roles'?: string[];
      }
    >
  >;
  components: { schemas: Record<string, Schema> };
}

export interface Operation {
  method: string;
  path: string;
  label: string;
  roles: string[];
  pathParams: Parameter[];
  queryParams: Parameter[];
  headerParams: Parameter[];
  body?: Schema;
}

export function operationsOf(doc: OpenApiDocument): Operation[] {
  const resolve = schemaResolver(doc);
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const parameters = (op.parameters ?? []).map((p) => ({ ...p, schema: resolve(p.schema) }));
      const json = op.requestBody?.content['application/json'];
      operations.push({
        method: method.toUpperCase(),
        path,
        label: `${method.toUpperCase()} ${path}`,
        roles: op['x-roles'] ?? [],
        pathParams: parameters.filter((p) => p.in === 'path'),
        queryParams: parameters.filter((p) => p.in === 'query'),
        headerParams: parameters.filter((p) => p.in === 'header'),
        body: json ? resolve(json.schema) : undefined,
      });
    }
  }
  return operations.sort((a, b) => a.label.localeCompare(b.label));
}

// Inlines $ref and allOf, so the generator sees plain schemas.
function schemaResolver(doc: OpenApiDocument): (schema: Schema) => Schema {
  const resolve = (schema: Schema, depth = 0): Schema => {
    if (depth > 8) {
      return { type: 'object' };
    }
    if (schema.$ref) {
      const name = schema.$ref.replace('#/components/schemas/', '');
      return resolve(doc.components.schemas[name], depth + 1);
    }
    if (schema.allOf) {
      const merged = schema.allOf.reduce<Schema>(
        (all, part) => {
          const p = resolve(part, depth + 1);
          return {
            ...all,
            ...p,
            properties: { ...all.properties, ...p.properties },
            required: [...(all.required ?? []), ...(p.required ?? [])],
          };
        },
        { ...schema, allOf: undefined },
      );
      return { ...merged, allOf: undefined };
    }
    const out: Schema = { ...schema };
    if (schema.properties) {
      out.properties = Object.fromEntries(
        Object.entries(schema.properties).map(([k, v]) => [k, resolve(v, depth + 1)]),
      );
    }
    if (schema.items) {
      out.items = resolve(schema.items, depth + 1);
    }
    return out;
  };
  return (schema) => resolve(schema);
}

export function allowed(op: Operation, principal: Principal): boolean {
  return op.roles.includes('public') || (principal !== 'none' && op.roles.includes(principal));
}
