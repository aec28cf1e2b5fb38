import { loadConfig } from '../config/load-config';
import { loadRetentionConfig } from './retention-config';
import {
  cutoffs,
  erasedEmail,
  erasureRefusal,
  removedText,
  RETENTION_KINDS,
  RETENTION_PERIOD_RULES,
  retentionCutoff,
} from './retention.rules';

const NOW = new Date('2026-12-01T02:30:00.000Z');

describe('retention periods', () => {
  it('counts a period back from now in whole days', () => {
    expect(retentionCutoff(NOW, 730)).toEqual(new Date('2024-12-01T02:30:00.000Z'));
    expect(retentionCutoff(NOW, 90)).toEqual(new Date('2026-09-02T02:30:00.000Z'));
  });

  it('gives every kind the cutoff of its own setting', () => {
    const { periods } = loadRetentionConfig({}, []);
    const due = cutoffs(NOW, { ...periods, emailDays: 30 });
    expect(Object.keys(due)).toEqual([...RETENTION_KINDS]);
    expect(due['unfunded-bids']).toEqual(retentionCutoff(NOW, 730));
    expect(due['unfunded-bid-documents']).toEqual(due['unfunded-bids']);
    expect(due['funded-bids']).toEqual(retentionCutoff(NOW, 7 * 365));
    expect(due['inactive-users']).toEqual(retentionCutoff(NOW, 730));
    expect(due.sessions).toEqual(retentionCutoff(NOW, 90));
    expect(due['account-links']).toEqual(due.sessions);
    expect(due['sign-in-records']).toEqual(retentionCutoff(NOW, 365));
    expect(due.emails).toEqual(retentionCutoff(NOW, 30));
  });

  it('has the documented defaults', () => {
    expect(loadRetentionConfig({}, [])).toEqual({
      runTime: '02:30',
      periods: {
        unfundedBidDays: 730,
        fundedBidDays: 2555,
        inactiveUserDays: 730,
        sessionDays: 90,
        signInRecordDays: 365,
        emailDays: 365,
      },
    });
  });

  it('says why and when in what replaces personal data, and never a real mailbox', () => {
    expect(removedText(NOW)).toBe('Removed under the retention policy on 1 December 2026');
    // The UK day, as people write it: 23:30 UTC on 30 June is 00:30 BST on 1 July.
    expect(removedText(new Date('2026-06-30T23:30:00Z'))).toBe(
      'Removed under the retention policy on 1 July 2026',
    );
    expect(erasedEmail('6f1c5a8e-3b7a-4c1e-9a55-2f0f8c1d2e3a')).toBe(
      'erased-6f1c5a8e-3b7a-4c1e-9a55-2f0f8c1d2e3a@retention.invalid',
    );
  });
});

describe('retention settings', () => {
  it('takes a period within its range', () => {
    const problems: string[] = [];
    const config = loadRetentionConfig(
      { RETENTION_UNFUNDED_BID_DAYS: '180', RETENTION_EMAIL_DAYS: '2555' },
      problems,
    );
    expect(problems).toEqual([]);
    expect(config.periods.unfundedBidDays).toBe(180);
    expect(config.periods.emailDays).toBe(2555);
  });

  it.each(Object.values(RETENTION_PERIOD_RULES))(
    'refuses $setting below $minDays or above $maxDays days, naming the range',
    ({ setting, minDays, maxDays }) => {
      for (const value of [String(minDays - 1), String(maxDays + 1), 'two years', '-5']) {
        expect(() => loadConfig({ NODE_ENV: 'development', [setting]: value })).toThrow(
          `${setting} must be a whole number from ${minDays} to ${maxDays} (got "${value}")`,
        );
      }
    },
  );

  it('refuses funded bids kept for less time than unfunded ones', () => {
    expect(() =>
      loadConfig({
        NODE_ENV: 'development',
        RETENTION_UNFUNDED_BID_DAYS: '3000',
        RETENTION_FUNDED_BID_DAYS: '2555',
      }),
    ).toThrow(
      'RETENTION_FUNDED_BID_DAYS (2555) must not be shorter than RETENTION_UNFUNDED_BID_DAYS (3000)',
    );
  });

  it('refuses a run time that is not HH:MM', () => {
    expect(() => loadConfig({ NODE_ENV: 'development', RETENTION_RUN_TIME: '25:00' })).toThrow(
      /RETENTION_RUN_TIME must be a 24-hour time HH:MM/,
    );
  });
});

describe('erasure on request', () => {
  it("refuses the admin's own account, then an active user", () => {
    expect(erasureRefusal({ id: 'a', active: false }, 'a')).toBe('own-erasure');
    expect(erasureRefusal({ id: 'a', active: true }, 'a')).toBe('own-erasure');
    expect(erasureRefusal({ id: 'u', active: true }, 'a')).toBe('user-active');
    expect(erasureRefusal({ id: 'u', active: false }, 'a')).toBeNull();
  });
});
