import {
  closeRefusalForExtensions,
  extensionChangeRefusal,
  extensionRefusal,
  ExtensionSituation,
} from './deadline-extension.rules';
import { effectiveClosesAt } from './round-deadlines';

// Round 3 of the Safer Streets Fund closed 15 July 2021 at 23:59 UK time (22:59 UTC).
const CLOSES = new Date('2021-07-15T22:59:00Z');
const hours = (n: number) => new Date(CLOSES.getTime() + n * 3_600_000);

function situation(overrides: Partial<ExtensionSituation> = {}): ExtensionSituation {
  return {
    round: {
      code: 'SSF3',
      status: 'open',
      closesAt: CLOSES,
      eligibleApplicantTypes: ['pcc', 'local_authority', 'btp', 'cso'],
    },
    organisation: { name: 'Newcastle City Council', type: 'local_authority', active: true },
    current: null,
    maxDays: 14,
    now: hours(-2),
    ...overrides,
  };
}

describe('the organisation’s own close time', () => {
  it('is the round’s without an extension and the extension’s with one', () => {
    expect(effectiveClosesAt({ closesAt: CLOSES }, null)).toEqual(CLOSES);
    expect(effectiveClosesAt({ closesAt: CLOSES }, { closesAt: hours(72) })).toEqual(hours(72));
  });

  it('is never earlier than the round’s', () => {
    expect(effectiveClosesAt({ closesAt: CLOSES }, { closesAt: hours(-1) })).toEqual(CLOSES);
  });
});

describe('giving a deadline extension', () => {
  it('allows a later close within the cap while the round is open', () => {
    expect(extensionRefusal(situation(), hours(72))).toBeNull();
    expect(extensionRefusal(situation(), hours(14 * 24))).toBeNull();
  });

  it('refuses a close beyond the cap, naming the days and the latest time', () => {
    const refusal = extensionRefusal(situation(), hours(14 * 24 + 1));
    expect(refusal).toMatchObject({ code: 'extension-beyond-cap', field: 'closesAt' });
    expect(refusal?.message).toContain('at most 14 days');
    expect(refusal?.message).toContain('until 29 July 2021 23:59:00 BST at the latest');
  });

  it('caps at 14 calendar days on the UK clock when the clocks change in between', () => {
    // Closes 23:59:59 BST on 20 October 2026; the clocks go back on 25 October.
    const closes = new Date('2026-10-20T22:59:59Z');
    const autumn = situation({
      round: { ...situation().round, closesAt: closes },
      now: new Date('2026-10-20T12:00:00Z'),
    });
    // 23:59:59 GMT on 3 November is 14 days of 24 hours plus the hour the clocks gave back.
    const latest = new Date('2026-11-03T23:59:59Z');
    expect(extensionRefusal(autumn, latest)).toBeNull();
    const refusal = extensionRefusal(autumn, new Date(latest.getTime() + 1000));
    expect(refusal?.message).toContain('until 3 November 2026 23:59:59 GMT at the latest');
  });

  it('refuses a close that is not later than the round’s, or already past', () => {
    expect(extensionRefusal(situation(), CLOSES)).toMatchObject({ code: 'extension-not-later' });
    const late = situation({ now: hours(5), current: { closesAt: hours(10) } });
    expect(extensionRefusal(late, hours(4))).toMatchObject({ code: 'extension-not-later' });
    expect(extensionRefusal(late, hours(20))).toBeNull();
  });

  it('refuses once the round has closed or been decided', () => {
    for (const status of ['closed', 'assessment', 'decided', 'delivery'] as const) {
      const refusal = extensionRefusal(
        situation({ round: { ...situation().round, status } }),
        hours(24),
      );
      expect(refusal).toMatchObject({ code: 'round-not-taking-bids' });
      expect(refusal?.message).toContain(`is ${status}`);
    }
  });

  it('refuses once the organisation’s own deadline has passed, even with the round still open', () => {
    expect(extensionRefusal(situation({ now: hours(1) }), hours(24))).toMatchObject({
      code: 'deadline-passed',
    });
    expect(
      extensionChangeRefusal(situation({ now: hours(1), current: { closesAt: hours(2) } })),
    ).toBeNull();
  });

  it('refuses an organisation that may not bid in the round', () => {
    const charityOnly = { ...situation().round, eligibleApplicantTypes: ['cso' as const] };
    expect(extensionRefusal(situation({ round: charityOnly }), hours(24))).toMatchObject({
      code: 'organisation-may-not-bid',
      field: 'organisationId',
    });
    const inactive = { name: 'Old council', type: 'local_authority' as const, active: false };
    expect(extensionRefusal(situation({ organisation: inactive }), hours(24))).toMatchObject({
      code: 'organisation-may-not-bid',
    });
  });
});

describe('closing a round with extensions', () => {
  it('closes when none runs on', () => {
    expect(closeRefusalForExtensions([])).toBeNull();
  });

  it('waits for the last running extension, listing each', () => {
    const refusal = closeRefusalForExtensions([
      { organisationName: 'Newcastle City Council', closesAt: hours(24) },
      { organisationName: 'Safe Nights Tyneside', closesAt: hours(48) },
    ]);
    expect(refusal).toContain('2 deadline extensions are still running');
    expect(refusal).toContain('Newcastle City Council until 16 July 2021 23:59:00 BST');
    expect(refusal).toContain('after the last ends at 17 July 2021 23:59:00 BST');
  });
});
