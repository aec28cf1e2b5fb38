import { DEFAULT_AS_AT_LAG_MS } from '../src/reports/spend-summary.rules';
import { startApp, TestApp } from './support/app';

interface Schema {
  type?: string;
  description?: string;
  format?: string;
  enum?: unknown[];
  items?: Schema;
  properties?: Record<string, Schema>;
  allOf?: Schema[];
  $ref?: string;
  example?: unknown;
}
interface Operation {
  operationId?: string;
  parameters?: { name: string; in: string; description?: string }[];
  security?: unknown[];
  'x-roles'?: string[];
  requestBody?: {
    content: Record<string, { schema?: Schema; example?: unknown; examples?: unknown }>;
  };
  responses: Record<string, { content?: Record<string, unknown>; headers?: object }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  tags?: { name: string; description?: string }[];
  servers?: unknown[];
  components: { schemas: Record<string, Schema> };
}

// What generators and linters need from the document, beyond what the linters check
// (scripts/lint-openapi.sh runs those): names, types and error answers a client can rely on.
describe('the OpenAPI document', () => {
  let t: TestApp;
  let doc: Document;
  let operations: { label: string; op: Operation }[];
  beforeAll(async () => {
    t = await startApp();
    doc = (await t.http().get('/api/docs-json').expect(200)).body as Document;
    operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({
        label: `${method.toUpperCase()} ${path}`,
        op,
      })),
    );
  });
  afterAll(() => t.close());

  it('says what an omitted asAt is read as: a few seconds back, not now', () => {
    const lag = `${DEFAULT_AS_AT_LAG_MS / 1000} seconds`;
    const exportAsAt = doc.components.schemas.CreateExportDto.properties?.asAt?.description;
    const summaryAsAt = doc.paths['/api/v1/rounds/{id}/spend-summary'].get.parameters?.find(
      (parameter) => parameter.name === 'asAt',
    )?.description;
    for (const description of [exportAsAt, summaryAsAt]) {
      expect(description).toContain(lag);
      expect(description).not.toMatch(/default now/);
    }
  });

  it('gives every operation a unique camelCase operationId', () => {
    const ids = operations.map(({ label, op }) => [label, op.operationId]);
    for (const [label, id] of ids) {
      expect([label, id]).toEqual([label, expect.stringMatching(/^[a-z][a-zA-Z0-9]*$/)]);
    }
    expect(operations.find(({ op }) => op.operationId === 'submitBid')?.label).toBe(
      'POST /api/v1/bids/{id}/submit',
    );
    const seen = ids.map(([, id]) => id);
    expect(seen.filter((id, index) => seen.indexOf(id) !== index)).toEqual([]);
  });

  it('answers every error as application/problem+json with the problem schema', () => {
    let errors = 0;
    for (const { label, op } of operations) {
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) >= 400) {
          errors += 1;
          expect([label, status, Object.keys(response.content ?? {})]).toEqual([
            label,
            status,
            ['application/problem+json'],
          ]);
        }
        if (status === '429' || status === '503') {
          // The 429s also carry RateLimit and RateLimit-Policy.
          expect([label, status, Object.keys(response.headers ?? {})]).toEqual([
            label,
            status,
            expect.arrayContaining(['Retry-After']),
          ]);
        }
      }
    }
    expect(errors).toBeGreaterThan(operations.length);
  });

  it('marks public routes security: [] and every other route with the bearer scheme', () => {
    const publicOnes = operations.filter(({ op }) => op['x-roles']?.includes('public'));
    expect(publicOnes.length).toBeGreaterThan(5);
    for (const { label, op } of operations) {
      const expected = op['x-roles']?.includes('public') ? [] : [{ bearer: [] }];
      expect([label, op.security]).toEqual([label, expected]);
    }
  });

  it('names every enum, types counts and money as integers, and describes every tag', () => {
    const inline: string[] = [];
    const numbers: string[] = [];
    const visit = (schema: Schema | undefined, where: string): void => {
      if (!schema) {
        return;
      }
      if (schema.enum) {
        inline.push(where);
      }
      if (
        schema.type === 'number' &&
        /Pence$|^(limit|offset|total|version)$/.test(where.split('.').pop() ?? '')
      ) {
        numbers.push(where);
      }
      for (const [key, property] of Object.entries(schema.properties ?? {})) {
        visit(property, `${where}.${key}`);
      }
      visit(schema.items, where);
    };
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      if (schema.enum) {
        expect([name, (schema as { description?: string }).description]).toEqual([
          name,
          expect.stringContaining('- `'),
        ]);
      } else {
        visit(schema, name);
      }
    }
    expect(inline).toEqual([]);
    expect(numbers).toEqual([]);
    expect(doc.components.schemas.BidStatus?.enum).toContain('submitted');
    expect(doc.servers?.length).toBeGreaterThan(0);
    const used = new Set(operations.flatMap(({ op }) => (op as { tags?: string[] }).tags ?? []));
    const described = new Map((doc.tags ?? []).map((tag) => [tag.name, tag.description]));
    for (const tag of used) {
      expect([tag, described.get(tag)]).toEqual([tag, expect.any(String)]);
    }
  });

  it('gives every request body an example, on the media type or on every field', () => {
    const missing: string[] = [];
    // A field with no example of its own is exemplified when what it is made of is: a $ref'd
    // schema, the parts of an allOf, an array's items, an object's properties. Named enums carry
    // an example; a file in a multipart upload needs none.
    const visit = (schema: Schema | undefined, where: string, seen: string[]): void => {
      if (!schema || schema.example !== undefined || schema.enum) {
        return;
      }
      if (schema.$ref) {
        const name = schema.$ref.split('/').pop() ?? '';
        if (!seen.includes(name)) {
          visit(doc.components.schemas[name], where, [...seen, name]);
        }
      } else if (schema.allOf) {
        schema.allOf.forEach((part) => visit(part, where, seen));
      } else if (schema.items) {
        visit(schema.items, `${where}[]`, seen);
      } else if (schema.properties) {
        for (const [key, property] of Object.entries(schema.properties)) {
          visit(property, `${where}.${key}`, seen);
        }
      } else if (schema.format !== 'binary') {
        missing.push(where);
      }
    };
    let bodies = 0;
    for (const { label, op } of operations) {
      for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) {
        bodies += 1;
        if (media.example === undefined && media.examples === undefined) {
          visit(media.schema, `${label} ${type}`, []);
        }
      }
    }
    expect(bodies).toBeGreaterThan(30);
    expect(missing).toEqual([]);
  });
});
