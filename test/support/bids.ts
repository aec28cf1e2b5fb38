import type { CreateBidDto } from '../../src/bids/bid.dto';
import type { Role } from '../../src/common/access';
import type { CreateRoundDto } from '../../src/rounds/round.dto';
import { financialYearOf } from '../../src/rounds/financial-year';
import type { INestApplicationContext } from '@nestjs/common';
import { login, startApp, startWorker, TestApp, testConfig, tokensByRole } from './app';
import { createAccount } from './accounts';
import { TestSmtpServer } from './smtp';
import { uniqueSuffix, validRound } from './factories';

export interface Bidder {
  email: string;
  // The password chosen on accepting the invitation, for signing in again (after a role change, say).
  password: string;
  token: string;
  headers: { authorization: string };
}

type Headers = { authorization: string };

// A published round open now; each test states only the settings it is about.
export async function openRound(
  t: TestApp,
  admin: Headers,
  overrides: Partial<CreateRoundDto> = {},
): Promise<{ id: string; code: string; closesAt: string } & CreateRoundDto> {
  const created = await t
    .http()
    .post('/api/v1/rounds')
    .set(admin)
    .send(validRound(overrides))
    .expect(201);
  await t.http().post(`/api/v1/rounds/${created.body.id}/publish`).set(admin).expect(200);
  return created.body;
}

// A complete bid that passes every rule of `validRound()` for a PCC or a council: £300,000 in
// the delivery period's first financial year, 20% match funding, one costed intervention.
export function validBid(
  round: { id: string; deliveryStartsOn: string },
  overrides: Partial<CreateBidDto> = {},
): CreateBidDto {
  const year = financialYearOf(round.deliveryStartsOn);
  const milestoneOn = round.deliveryStartsOn;
  return {
    roundId: round.id,
    title: 'Safer alleys for Byker',
    summary: 'Alley gates and lighting on the streets with the most burglaries.',
    targetLsoas: ['E01008324', 'E01008325'],
    problemProfile: 'Burglary in these LSOAs is three times the force average.',
    primaryCrimeType: 'burglary',
    secondaryCrimeTypes: [],
    theoryOfChange: 'Fewer ways in and more light mean fewer chances for burglars.',
    interventions: [
      {
        category: 'Situational',
        type: 'Street lighting',
        description: 'Forty LED columns in the back lanes',
        evidence: 'College of Policing toolkit: lighting reduces crime',
        costPence: 30_000_000,
        outputMeasure: 'lighting columns installed',
        outputTarget: 40,
      },
    ],
    costLines: [
      { financialYear: year, kind: 'capital', amountPence: 25_000_000 },
      { financialYear: year, kind: 'revenue', amountPence: 5_000_000 },
    ],
    matchFunding: [{ source: 'Council capital programme', kind: 'cash', amountPence: 6_000_000 }],
    partners: [{ name: 'Northumbria Police', role: 'Designing Out Crime Officer survey' }],
    consultation: 'Door-to-door survey of 400 households.',
    milestones: [{ title: 'Columns installed', dueOn: milestoneOn }],
    risks: [{ description: 'Supplier delays', mitigation: 'Framework supplier, early order' }],
    evaluationApproach: 'Police recorded burglary 12 months before and after.',
    ...overrides,
  };
}

// An applicant user of the organisation, signed in.
export async function bidderOf(
  t: TestApp,
  admin: Headers,
  organisationId: string,
): Promise<Bidder> {
  const suffix = uniqueSuffix().toLowerCase();
  const { email, password } = await createAccount(t, admin, {
    email: `bidder-${suffix}@applicant.example`,
    name: `Bidder ${suffix}`,
    role: 'applicant',
    organisationId,
  });
  const token = await login(t, email, password);
  return { email, password, token, headers: { authorization: `Bearer ${token}` } };
}

// Ids of the demo organisations, by name.
export async function organisationIds(t: TestApp, admin: Headers): Promise<Record<string, string>> {
  const response = await t.http().get('/api/v1/organisations?limit=100').set(admin).expect(200);
  return Object.fromEntries(
    (response.body.items as { id: string; name: string }[]).map((o) => [o.name, o.id]),
  );
}

export const NORTHUMBRIA_PCC = 'Police and Crime Commissioner for Northumbria';

export interface BiddingWorld {
  t: TestApp;
  smtp: TestSmtpServer;
  worker: INestApplicationContext;
  as: (role: Role) => Headers;
  // Applicants of the Northumbria PCC, a council and a charity in its area, and a council elsewhere.
  pcc: Bidder;
  council: Bidder;
  charity: Bidder;
  otherCouncil: Bidder;
  close: () => Promise<void>;
}

// The API, a worker sending to a test SMTP server, and bidders of several organisations.
export async function startBidding(): Promise<BiddingWorld> {
  const smtp = await TestSmtpServer.start();
  const t = await startApp({ processRole: 'api' });
  const tokens = await tokensByRole(t);
  const worker = await startWorker({ mail: { ...testConfig().mail, smtpUrl: smtp.url } });
  const as = (role: Role) => ({ authorization: `Bearer ${tokens[role]}` });
  const orgs = await organisationIds(t, as('admin'));
  const bidder = (name: string) => bidderOf(t, as('admin'), orgs[name]);
  // Side by side: each is an invitation accepted and a sign-in, two password hashes.
  const [pcc, council, charity, otherCouncil] = await Promise.all([
    bidder(NORTHUMBRIA_PCC),
    bidder('Newcastle upon Tyne City Council'),
    bidder('Safe Nights Tyneside (demo charity)'),
    bidder('Middlesbrough Council'),
  ]);
  return {
    t,
    smtp,
    worker,
    as,
    pcc,
    council,
    charity,
    otherCouncil,
    close: async () => {
      await worker.close();
      await t.close();
      await smtp.close();
    },
  };
}
