import {
  closeOutRefusal,
  type OutstandingItem,
  roundCommandRefusal,
  roundTimingErrors,
  startDeliveryRefusal,
} from './rounds.rules';

const NOW = new Date('2026-06-15T12:00:00Z');
const DAY = 86_400_000;

describe('roundTimingErrors', () => {
  const round = {
    opensAt: new Date(NOW.getTime() - 5 * DAY),
    closesAt: new Date('2026-07-31T22:59:00Z'),
    deliveryStartsOn: '2026-09-01',
    historic: false,
  };

  it('accepts a window that opened within the allowed days and delivery after bids close', () => {
    expect(roundTimingErrors(round, NOW, 7)).toEqual([]);
    expect(
      roundTimingErrors({ ...round, opensAt: new Date(NOW.getTime() - 7 * DAY) }, NOW, 7),
    ).toEqual([]);
  });

  it('refuses a window opening further in the past than the setting allows, naming the limit', () => {
    const errors = roundTimingErrors(
      { ...round, opensAt: new Date(NOW.getTime() - 7 * DAY - 1) },
      NOW,
      7,
    );
    expect(errors).toEqual([
      {
        field: 'opensAt',
        message:
          'the bidding window may open at most 7 days in the past (no earlier than 8 June 2026 13:00:00 BST); create a round that has already run with historic: true',
      },
    ]);
  });

  it('leaves opensAt alone when an edit does not change it', () => {
    expect(
      roundTimingErrors({ ...round, opensAt: new Date('2026-01-01T00:00:00Z') }, NOW, 7, false),
    ).toEqual([]);
  });

  it('refuses delivery starting on or before the UK day bids close', () => {
    // 23:30 UTC on 31 July is 00:30 on 1 August in London (BST): delivery on 1 August is too early.
    const late = {
      ...round,
      closesAt: new Date('2026-07-31T23:30:00Z'),
      deliveryStartsOn: '2026-08-01',
    };
    expect(roundTimingErrors(late, NOW, 7)).toEqual([
      {
        field: 'deliveryStartsOn',
        message:
          'delivery must start after bids close (1 August 2026 00:30:00 BST): on 2 August 2026 or later',
      },
    ]);
    expect(roundTimingErrors({ ...late, deliveryStartsOn: '2026-08-02' }, NOW, 7)).toEqual([]);
  });

  it('lets delivery start on the UK day whose first moment bids close, BST or GMT', () => {
    // 00:00 BST on 1 August 2026 is 23:00 UTC on 31 July: the whole of 1 August is after it.
    const summer = { ...round, closesAt: new Date('2026-07-31T23:00:00Z') };
    expect(roundTimingErrors({ ...summer, deliveryStartsOn: '2026-08-01' }, NOW, 7)).toEqual([]);
    expect(roundTimingErrors({ ...summer, deliveryStartsOn: '2026-07-31' }, NOW, 7)).toEqual([
      {
        field: 'deliveryStartsOn',
        message:
          'delivery must start after bids close (1 August 2026 00:00:00 BST): on 1 August 2026 or later',
      },
    ]);
    // 00:00 GMT on 1 December 2026 is midnight UTC.
    const winter = { ...round, closesAt: new Date('2026-12-01T00:00:00Z') };
    expect(roundTimingErrors({ ...winter, deliveryStartsOn: '2026-12-01' }, NOW, 7)).toEqual([]);
    expect(roundTimingErrors({ ...winter, deliveryStartsOn: '2026-11-30' }, NOW, 7)).toEqual([
      {
        field: 'deliveryStartsOn',
        message:
          'delivery must start after bids close (1 December 2026 00:00:00 GMT): on 1 December 2026 or later',
      },
    ]);
  });

  it('lets a historic round have both, but only once its window has closed', () => {
    const past = {
      opensAt: new Date('2022-03-18T09:00:00Z'),
      closesAt: new Date('2022-05-27T22:59:00Z'),
      deliveryStartsOn: '2022-04-01',
      historic: true,
    };
    expect(roundTimingErrors(past, NOW, 7)).toEqual([]);
    expect(roundTimingErrors({ ...past, closesAt: new Date(NOW.getTime() + DAY) }, NOW, 7)).toEqual(
      [
        {
          field: 'historic',
          message:
            'a historic round records a round that has run: its bidding window must have closed (it closes 16 June 2026 13:00:00 BST)',
        },
      ],
    );
  });
});

describe('historic rounds and their commands', () => {
  const closesAt = new Date('2022-05-27T22:59:00Z');

  it('never opens a historic round for bidding once its window is over', () => {
    expect(
      roundCommandRefusal('publish', { status: 'draft', closesAt, historic: true }, NOW),
    ).toMatch(/historic round, kept for the records, and is never opened for bidding/);
  });

  it('records only a historic draft straight as closed out', () => {
    expect(
      roundCommandRefusal('record-historic', { status: 'draft', closesAt, historic: true }, NOW),
    ).toBeNull();
    expect(
      roundCommandRefusal('record-historic', { status: 'draft', closesAt, historic: false }, NOW),
    ).toMatch(/only a round created as historic/);
    expect(
      roundCommandRefusal('record-historic', { status: 'open', closesAt, historic: true }, NOW),
    ).toMatch(/needs a round in status draft/);
  });
});

describe('startDeliveryRefusal', () => {
  const offers = [
    {
      awardId: 'a1',
      reference: 'SSF9-0001',
      organisationName: 'Northumbria PCC',
      offerExpiresAt: new Date('2026-07-01T22:59:59.999Z'),
    },
    {
      awardId: 'a2',
      reference: 'SSF9-0002',
      organisationName: 'Newcastle City Council',
      offerExpiresAt: new Date('2026-07-08T22:59:59.999Z'),
    },
  ];

  it('lets delivery start when no offer is open', () => {
    expect(startDeliveryRefusal([], {})).toBeNull();
  });

  it('lists the open offers with their deadlines in UK time', () => {
    expect(startDeliveryRefusal(offers, {})).toBe(
      '2 offers are still open: SSF9-0001 (Northumbria PCC, open until 1 July 2026 23:59:59 BST); SSF9-0002 (Newcastle City Council, open until 8 July 2026 23:59:59 BST). Wait until they are accepted, declined or lapsed, or confirm with confirmOpenOffers: true and a reason',
    );
  });

  it('needs a reason with the confirmation', () => {
    expect(startDeliveryRefusal(offers.slice(0, 1), { confirmOpenOffers: true })).toMatch(
      /^1 offer is still open: SSF9-0001 .*needs a reason$/,
    );
    expect(startDeliveryRefusal(offers, { confirmOpenOffers: true, reason: '   ' })).toMatch(
      /needs a reason/,
    );
    expect(
      startDeliveryRefusal(offers, { confirmOpenOffers: true, reason: 'Both asked for time' }),
    ).toBeNull();
  });
});

describe('closeOutRefusal', () => {
  const item = (kind: OutstandingItem['kind'], amountPence: number): OutstandingItem => ({
    kind,
    id: `${kind}-${amountPence}`,
    reference: 'SSF9-0001',
    outstanding: 'something',
    amountPence,
  });

  it('lets a round with nothing owed close out', () => {
    expect(closeOutRefusal([])).toBeNull();
  });

  it('counts what is left by kind and totals what is approved but unpaid, in pounds', () => {
    expect(
      closeOutRefusal([
        item('award', 30_000_000),
        item('award', 20_000_000),
        item('return', 0),
        item('return', 4_000_000),
        item('payment', 15_000_000),
        item('payment', 4_500_000),
      ]),
    ).toBe(
      '2 awards not finished, 2 returns not approved, 2 payments not made (£195,000.00 approved but unpaid); see outstanding for each. Settle them before closing out',
    );
    expect(closeOutRefusal([item('return', 0)])).toBe(
      '1 return not approved; see outstanding for each. Settle them before closing out',
    );
  });
});
