import { randomUUID } from 'node:crypto';
import type { Role } from '../src/common/access';
import { expectProblem, login, startApp, TestApp, tokensByRole } from './support/app';
import { emailedLinkToken } from './support/accounts';
import { uniqueSuffix, validOrganisation } from './support/factories';

describe('users and organisations', () => {
  let t: TestApp;
  let tokens: Record<Role, string>;
  const as = (role: Role) => ({ authorization: `Bearer ${tokens[role]}` });
  beforeAll(async () => {
    t = await startApp();
    tokens = await tokensByRole(t);
  });
  afterAll(() => t.close());

  it('lists the 43 police force areas of England and Wales', async () => {
    const response = await t
      .http()
      .get('/api/v1/police-force-areas')
      .set(as('applicant'))
      .expect(200);
    expect(response.body).toHaveLength(43);
    expect(response.body).toContainEqual({
      code: 'W15000003',
      name: 'South Wales',
      country: 'Wales',
    });
  });

  it('lets an admin register an organisation, checking its force area and uniqueness', async () => {
    const organisation = validOrganisation();
    const created = await t
      .http()
      .post('/api/v1/organisations')
      .set(as('admin'))
      .send(organisation)
      .expect(201);
    expect(created.body).toMatchObject({ ...organisation, active: true, gssCode: null });
    await t
      .http()
      .post('/api/v1/organisations')
      .set(as('admin'))
      .send({ ...organisation, name: String(organisation.name).toUpperCase() })
      .expect(409);
    const noArea = await t
      .http()
      .post('/api/v1/organisations')
      .set(as('admin'))
      .send(validOrganisation({ type: 'local_authority', forceAreaCode: null }))
      .expect(422);
    expect(noArea.body.errors).toEqual([
      {
        field: 'forceAreaCode',
        message: 'a local_authority organisation must be in a police force area',
      },
    ]);
    const secondPcc = await t
      .http()
      .post('/api/v1/organisations')
      .set(as('admin'))
      .send(validOrganisation({ type: 'pcc', forceAreaCode: 'E23000007' }))
      .expect(409);
    expect(secondPcc.body.detail).toMatch(/already has a PCC/);
    const badCode = await t
      .http()
      .post('/api/v1/organisations')
      .set(as('admin'))
      .send(validOrganisation({ gssCode: 'nope' }))
      .expect(400);
    expect(badCode.body.errors[0].field).toBe('gssCode');
    await t
      .http()
      .post('/api/v1/organisations')
      .set(as('moderator'))
      .send(validOrganisation())
      .expect(403);
  });

  it('answers an edit of an organisation that changes nothing with it as it is, writing nothing', async () => {
    const sent = validOrganisation();
    const { body: created } = await t
      .http()
      .post('/api/v1/organisations')
      .set(as('admin'))
      .send(sent)
      .expect(201);
    const same = await t
      .http()
      .patch(`/api/v1/organisations/${created.id}`)
      .set(as('admin'))
      .send({ name: sent.name, charityNumber: sent.charityNumber })
      .expect(200);
    expect(same.body).toEqual(created);
    const audit = await t
      .http()
      .get(`/api/v1/audit-events?objectId=${created.id}`)
      .set(as('admin'))
      .expect(200);
    expect(audit.body.items.map((e: { command: string }) => e.command)).toEqual([
      'organisation.create',
    ]);
  });

  it("shows an applicant only their own organisation; another's answers 404", async () => {
    const me = await t.http().get('/api/v1/me').set(as('applicant')).expect(200);
    const own = await t.http().get('/api/v1/organisations').set(as('applicant')).expect(200);
    expect(own.body.items.map((o: { id: string }) => o.id)).toEqual([me.body.organisationId]);
    await t
      .http()
      .get(`/api/v1/organisations/${me.body.organisationId}`)
      .set(as('applicant'))
      .expect(200);
    const other = (
      await t.http().get('/api/v1/organisations?type=btp').set(as('admin')).expect(200)
    ).body.items[0];
    const refused = await t
      .http()
      .get(`/api/v1/organisations/${other.id}`)
      .set(as('applicant'))
      .expect(404);
    expectProblem(refused.body, 404, 'not-found');
  });

  it('keeps applicants tied to one organisation and staff to none', async () => {
    const email = `new-${uniqueSuffix().toLowerCase()}@example.org`;
    const base = { email, name: 'New Person' };
    const noOrg = await t
      .http()
      .post('/api/v1/users')
      .set(as('admin'))
      .send({ ...base, role: 'applicant' })
      .expect(422);
    expect(noOrg.body.errors).toEqual([
      { field: 'organisationId', message: 'an applicant must belong to an organisation' },
    ]);
    const unknownOrg = await t
      .http()
      .post('/api/v1/users')
      .set(as('admin'))
      .send({ ...base, role: 'applicant', organisationId: randomUUID() })
      .expect(422);
    expect(unknownOrg.body.errors[0].message).toBe('no active organisation has this id');
    const { body: organisation } = await t
      .http()
      .post('/api/v1/organisations')
      .set(as('admin'))
      .send(validOrganisation())
      .expect(201);
    const staffWithOrg = await t
      .http()
      .post('/api/v1/users')
      .set(as('admin'))
      .send({ ...base, role: 'assessor', organisationId: organisation.id })
      .expect(422);
    expect(staffWithOrg.body.code).toBe('user-organisation-invalid');

    const created = await t
      .http()
      .post('/api/v1/users')
      .set(as('admin'))
      .send({ ...base, role: 'applicant', organisationId: organisation.id })
      .expect(201);
    const duplicate = await t
      .http()
      .post('/api/v1/users')
      .set(as('admin'))
      .send({ ...base, email: email.toUpperCase(), role: 'finance' })
      .expect(409);
    expectProblem(duplicate.body, 409, 'email-taken');
    const promoted = await t
      .http()
      .patch(`/api/v1/users/${created.body.id}`)
      .set(as('admin'))
      .send({ role: 'moderator' })
      .expect(200);
    expect(promoted.body).toMatchObject({ role: 'moderator', organisationId: null });
    const password = 'long-enough-password';
    await t
      .http()
      .post('/api/v1/auth/invitations/accept')
      .send({ token: await emailedLinkToken(t, created.body.id as string), password })
      .expect(200);
    const token = await login(t, email, password);
    await t
      .http()
      .get('/api/v1/users')
      .set({ authorization: `Bearer ${token}` })
      .expect(403);

    const audit = await t
      .http()
      .get(`/api/v1/audit-events?objectType=user&objectId=${created.body.id}`)
      .set(as('admin'))
      .expect(200);
    const events = audit.body.items as { command: string; changes: unknown }[];
    // The creation and its invitation are one transaction, one moment: their order is not fixed.
    // The user signed in as an applicant, then as a moderator, enrolling a second factor.
    expect(events.map((e) => e.command).sort()).toEqual([
      'auth.sign-in',
      'auth.sign-in',
      'second-factor.enrolment-confirm',
      'second-factor.enrolment-start',
      'user.create',
      'user.invitation-accept',
      'user.invitation-send',
      'user.update',
    ]);
    expect(events.find((e) => e.command === 'user.update')?.changes).toEqual({
      role: { before: 'applicant', after: 'moderator' },
      organisationId: { before: organisation.id, after: null },
    });
    expect(JSON.stringify(audit.body.items)).not.toContain('long-enough-password');
  });

  it('does not let an admin deactivate themselves', async () => {
    const me = await t.http().get('/api/v1/me').set(as('admin')).expect(200);
    const response = await t
      .http()
      .post(`/api/v1/users/${me.body.id}/deactivate`)
      .set(as('admin'))
      .expect(409);
    expectProblem(response.body, 409, 'cannot-deactivate-self');
  });

  it('filters and paginates users in a stable order', async () => {
    const first = await t
      .http()
      .get('/api/v1/users?role=admin&limit=1&offset=0')
      .set(as('admin'))
      .expect(200);
    expect(first.body).toMatchObject({ limit: 1, offset: 0 });
    expect(first.body.items.every((u: { role: string }) => u.role === 'admin')).toBe(true);
    const bad = await t
      .http()
      .get('/api/v1/users?limit=1000&active=maybe')
      .set(as('admin'))
      .expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'active',
      'limit',
    ]);
  });
});
