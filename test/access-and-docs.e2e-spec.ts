import { randomUUID } from 'node:crypto';
import type supertest from 'supertest';
import { ROLES, Role } from '../src/common/access';
import { startApp, TestApp, tokensByRole } from './support/app';

interface Operation {
  'x-roles'?: string[];
  description?: string;
  responses: Record<string, unknown>;
}

describe('route access and API docs', () => {
  let t: TestApp;
  let tokens: Record<Role, string>;
  let operations: { method: string; path: string; op: Operation }[];
  beforeAll(async () => {
    t = await startApp();
    tokens = await tokensByRole(t);
    const doc = (await t.http().get('/api/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, Operation>>;
    };
    operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ method, path, op })),
    );
  });
  afterAll(() => t.close());

  it('serves the docs UI', async () => {
    const response = await t.http().get('/api/docs').expect(200);
    expect(response.text).toContain('swagger');
  });

  it('documents every route with its roles, a success response and its error responses', () => {
    expect(operations.length).toBeGreaterThan(20);
    for (const { method, path, op } of operations) {
      const label = `${method.toUpperCase()} ${path}`;
      expect([label, op['x-roles']?.length ?? 0]).not.toEqual([label, 0]);
      expect([label, op.description]).toEqual([
        label,
        expect.stringMatching(/Requires role: |Public: /),
      ]);
      const codes = Object.keys(op.responses);
      expect([label, codes.some((c) => c.startsWith('2'))]).toEqual([label, true]);
      if (!op['x-roles']?.includes('public')) {
        expect([label, codes]).toEqual([label, expect.arrayContaining(['401', '403'])]);
      }
    }
  });

  // Every route, every role: a role the route does not name gets 403; a role it names is let through
  // (whatever the handler then says about the made-up id or empty body), and no token gets 401.
  it('lets exactly the named roles through on every route', async () => {
    const guarded = operations.filter(({ op }) => !op['x-roles']?.includes('public'));
    for (const { method, path, op } of guarded) {
      const url = `/api/v1${path.replace(/^\/api\/v1/, '')}`.replace(/\{[^}]+\}/g, randomUUID());
      const call = async (headers: Record<string, string>): Promise<number> => {
        const request = t.http() as unknown as Record<string, (url: string) => supertest.Test>;
        return (await request[method](url).set(headers).send({})).status;
      };
      expect([method, path, await call({})]).toEqual([method, path, 401]);
      for (const role of ROLES) {
        const status = await call({ authorization: `Bearer ${tokens[role]}` });
        const allowed = op['x-roles']?.includes(role);
        if (allowed) {
          expect([method, path, role, status === 401 || status === 403]).toEqual([
            method,
            path,
            role,
            false,
          ]);
        } else {
          expect([method, path, role, status]).toEqual([method, path, role, 403]);
        }
      }
    }
  });
});
