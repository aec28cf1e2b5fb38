import { projectPath } from '../config/project-root';
import { returnSchedule } from '../returns/return-schedule.rules';
import { letterYears, type OfferLetterData, OfferLetters } from './offer-letters';

const LINES = [
  { financialYear: '2023/24', kind: 'revenue' as const, amountPence: 53_469_284 },
  { financialYear: '2022/23', kind: 'capital' as const, amountPence: 45_563_144 },
];

function letterData(overrides: Partial<OfferLetterData> = {}): OfferLetterData {
  return {
    funderName: 'Home Office',
    reference: 'SSF4-0042',
    bidTitle: 'Lights & <gates>',
    roundName: 'Safer Streets Fund round 4',
    organisationName: 'Police and Crime Commissioner for Cleveland',
    companyNumber: null,
    charityNumber: null,
    offeredAt: new Date('2022-07-01T09:00:00Z'),
    amountPence: 99_032_428,
    lines: LINES,
    conditions: [],
    deliveryStartsOn: '2022-07-01',
    deliveryEndsOn: '2023-09-30',
    returnDueDays: 30,
    returns: returnSchedule('2022-07-01', '2023-09-30', 30),
    offerExpiresAt: new Date('2022-07-29T22:59:59Z'),
    approvedBy: ['Ann Approver', 'Sam Second'],
    awardUrl: 'https://grants.example.org/awards/1',
    acceptance: null,
    status: 'offered',
    ...overrides,
  };
}

describe('grant offer letters', () => {
  const letters = OfferLetters.load(projectPath('templates', 'letters'));

  it('puts capital and revenue of each financial year side by side, in year order', () => {
    expect(letterYears(LINES)).toEqual([
      {
        financialYear: '2022/23',
        capitalPence: 45_563_144,
        revenuePence: 0,
        totalPence: 45_563_144,
      },
      {
        financialYear: '2023/24',
        capitalPence: 0,
        revenuePence: 53_469_284,
        totalPence: 53_469_284,
      },
    ]);
  });

  it('states the amounts, the deadline in UK time and the returns, escaping the bid’s text', () => {
    const html = letters.render(letterData());
    expect(html).toContain('The grant is at most <strong>£990,324.28</strong>');
    expect(html).toContain('<td>2022/23</td><td class="money">£455,631.44</td>');
    expect(html).toContain('“Lights &amp; &lt;gates&gt;”');
    expect(html).toContain('Accept or decline this offer by 29 July 2022 23:59:59 BST.');
    expect(html).toContain('<td>2023/24 Q2</td><td>30 September 2023</td><td>30 October 2023</td>');
    expect(html).toContain('No conditions beyond the terms of this letter.');
    expect(html).toContain('Approved for the funder by Ann Approver and Sam Second.');
  });

  it('records the acceptance instead of the deadline once accepted', () => {
    const html = letters.render(
      letterData({
        status: 'active',
        acceptance: {
          signatoryName: 'Alex Morgan',
          signatoryPosition: 'Chief Finance Officer',
          acceptedAt: new Date('2022-07-20T10:15:00Z'),
        },
      }),
    );
    expect(html).toContain('by Alex Morgan, Chief Finance Officer, on 20 July 2022 11:15:00 BST.');
    expect(html).not.toContain('Accept or decline this offer by');
  });

  it('fails rather than print a blank when a field is missing', () => {
    const partial: Partial<OfferLetterData> = letterData();
    delete partial.organisationName;
    expect(() => letters.render(partial as OfferLetterData)).toThrow(/organisationName/);
  });

  it('refuses to start without its template', () => {
    expect(() => OfferLetters.load('/nonexistent')).toThrow(/grant offer letter template/);
  });
});
