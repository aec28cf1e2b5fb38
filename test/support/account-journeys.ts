import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Role } from '../../src/common/access';
import { loadConfig } from '../../src/config/load-config';
import { startApp, startWorker, TestApp, testConfig, tokensByRole } from './app';
import { uniqueSuffix, validStaffUser } from './factories';
import { DeliveredMail, eventually, TestSmtpServer } from './smtp';

export const DAY = 86_400_000;
export const INVITED = 'You are invited to the Safer Streets grants service';
export const RESET = 'Reset your Safer Streets grants password';
export const CHANGED = 'Your Safer Streets grants password was changed';
export const REMINDER = 'Reminder: set up your Safer Streets grants account';

// The world of the account suites (invitations, passwords): the API and a worker sending to a
// real SMTP server, set up around the calling describe, and the calls a person's journey makes.
export function accountsWorld() {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let worker: INestApplicationContext;
  let tokens: Record<Role, string>;
  const as = (role: Role) => ({ authorization: `Bearer ${tokens[role]}` });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  // Behind one trusted proxy: each test sends from addresses of its own.
  const config = {
    trustProxy: loadConfig({ ...process.env, TRUST_PROXY: '127.0.0.1' }).trustProxy,
    login: { perEmailLimit: 3, perAddressLimit: 1000, windowSeconds: 60, maxWaitSeconds: 900 },
    accounts: { ...testConfig().accounts, resetPerEmailLimit: 3, resetPerAddressLimit: 6 },
  };
  let addresses = 0;
  const newAddress = () => `198.51.100.${++addresses}`;

  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
    t = await startApp({ ...config, processRole: 'api' });
    tokens = await tokensByRole(t);
    worker = await startWorker({ ...config, mail: { ...testConfig().mail, smtpUrl: smtp.url } });
  });
  afterAll(async () => {
    await worker.close();
    await t.close();
    await smtp.close();
  });

  const db = () => t.app.get(DataSource);
  const invite = async (overrides: Record<string, unknown> = {}) => {
    const body = validStaffUser(overrides);
    const response = await t.http().post('/api/v1/users').set(as('admin')).send(body).expect(201);
    return response.body as { id: string; email: string; status: string };
  };
  const mailsTo = (email: string, subject: string) =>
    smtp.to(email).filter((mail) => mail.subject === subject);
  const awaitMails = (email: string, subject: string, count = 1) =>
    eventually(() => {
      const mails = mailsTo(email, subject);
      expect(mails).toHaveLength(count);
      return mails;
    });
  // The token in the link of a delivered email, and the link's page.
  const linkIn = (mail: DeliveredMail, page: string): string => {
    const match = new RegExp(`(\\S+)${page}\\?token=(\\S+)`).exec(mail.text);
    if (!match) {
      throw new Error(`No ${page} link in "${mail.subject}":\n${mail.text}`);
    }
    expect(match[1]).toBe(t.config.portal.baseUrl);
    return decodeURIComponent(match[2]);
  };
  const accept = (token: string, password: string) =>
    t.http().post('/api/v1/auth/invitations/accept').send({ token, password });
  const requestReset = (email: string, address: string) =>
    t.http().post('/api/v1/auth/password-reset').set('x-forwarded-for', address).send({ email });
  const completeReset = (token: string, password: string) =>
    t.http().post('/api/v1/auth/password-reset/complete').send({ token, password });
  const changePassword = (token: string, body: object, address: string) =>
    t
      .http()
      .post('/api/v1/me/password')
      .set(bearer(token))
      .set('x-forwarded-for', address)
      .send(body);
  const loginFrom = (email: string, password: string, address = newAddress()) =>
    t.http().post('/api/v1/auth/login').set('x-forwarded-for', address).send({ email, password });
  const statusOf = async (id: string) =>
    (await t.http().get(`/api/v1/users/${id}`).set(as('admin')).expect(200)).body.status as string;
  const auditOf = async (id: string) =>
    (
      await t
        .http()
        .get(`/api/v1/audit-events?objectType=user&objectId=${id}&limit=100`)
        .set(as('admin'))
        .expect(200)
    ).body.items as { command: string; actorLabel: string; changes: object }[];
  const password = () => `Chosen-Password-${uniqueSuffix()}`;

  return {
    get t() {
      return t;
    },
    get smtp() {
      return smtp;
    },
    get worker() {
      return worker;
    },
    as,
    bearer,
    newAddress,
    db,
    invite,
    mailsTo,
    awaitMails,
    linkIn,
    accept,
    requestReset,
    completeReset,
    changePassword,
    loginFrom,
    statusOf,
    auditOf,
    password,
  };
}
