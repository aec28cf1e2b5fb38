import { createHmac, randomUUID } from 'node:crypto';
import type supertest from 'supertest';
import { ROLES, Role } from '../src/common/access';
import { ACCESS_MATRIX, ENDS_CALLERS_SESSION } from './support/access-matrix';
import { startApp, TestApp, tokensByRole } from './support/app';

// An HS256 JWT, as the API issues them, signed with `secret`.
function signJwt(claims: object, secret: string): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

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

  it('declares every route in the access table, and the code agrees with it', () => {
    const documented = operations.map(({ method, path }) => `${method.toUpperCase()} ${path}`);
    expect(Object.keys(ACCESS_MATRIX).sort()).toEqual([...documented].sort());
    for (const { method, path, op } of operations) {
      const declared = ACCESS_MATRIX[`${method.toUpperCase()} ${path}`];
      expect([method, path, [...(op['x-roles'] ?? [])].sort()]).toEqual([
        method,
        path,
        declared === 'public' ? ['public'] : [...declared].sort(),
      ]);
    }
  });

  // Every route, every role, from the table: a role it does not name gets 403; a role it names
  // is let through (whatever the handler then says about the made-up id or empty body); no
  // token, a token signed with another key and an expired one get 401.
  it('lets exactly the declared roles through on every route', async () => {
    const { jwtSecret } = t.config;
    const admin = JSON.parse(
      Buffer.from(tokens.admin.split('.')[1], 'base64url').toString('utf8'),
    ) as { sub: string };
    const now = Math.floor(Date.now() / 1000);
    const forged = signJwt({ sub: admin.sub, iat: now, exp: now + 600 }, `${jwtSecret}-not-ours`);
    const expired = signJwt({ sub: admin.sub, iat: now - 7200, exp: now - 3600 }, jwtSecret);
    for (const { method, path } of operations) {
      const declared = ACCESS_MATRIX[`${method.toUpperCase()} ${path}`];
      if (declared === 'public') {
        continue;
      }
      const url = `/api/v1${path.replace(/^\/api\/v1/, '')}`.replace(/\{[^}]+\}/g, randomUUID());
      const call = async (headers: Record<string, string>): Promise<number> => {
        const request = t.http() as unknown as Record<string, (url: string) => supertest.Test>;
        return (await request[method](url).set(headers).send({})).status;
      };
      for (const [label, headers] of [
        ['no token', {}],
        ['forged token', { authorization: `Bearer ${forged}` }],
        ['expired token', { authorization: `Bearer ${expired}` }],
      ] as const) {
        expect([method, path, label, await call(headers)]).toEqual([method, path, label, 401]);
      }
      const roleTokens = ENDS_CALLERS_SESSION.has(`${method.toUpperCase()} ${path}`)
        ? await tokensByRole(t, { fresh: true })
        : tokens;
      for (const role of ROLES) {
        const status = await call({ authorization: `Bearer ${roleTokens[role]}` });
        if (declared.includes(role)) {
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
