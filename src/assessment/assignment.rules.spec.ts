import {
  affiliationConflict,
  AssessorForPlanning,
  BidForPlanning,
  planAssignments,
  PlannedAssignment,
} from './assignment.rules';

const NORTHUMBRIA = 'E23000007';
const DURHAM = 'E23000008';
const MERSEYSIDE = 'E23000004';

function bid(
  reference: string,
  organisationId: string,
  forceAreaCode: string | null,
  overrides: Partial<BidForPlanning> = {},
): BidForPlanning {
  return {
    id: `bid-${reference.toLowerCase()}`,
    reference,
    organisationId,
    forceAreaCode,
    assessorIds: [],
    activeCount: 0,
    ...overrides,
  };
}

function assessor(
  id: string,
  load = 0,
  organisationIds: string[] = [],
  forceAreaCodes: string[] = [],
): AssessorForPlanning {
  return { id, load, affiliations: { organisationIds, forceAreaCodes } };
}

const loads = (assignments: PlannedAssignment[]) => {
  const counts: Record<string, number> = {};
  for (const { assessorId } of assignments) {
    counts[assessorId] = (counts[assessorId] ?? 0) + 1;
  }
  return counts;
};

const assessorsOf = (assignments: PlannedAssignment[], bidId: string) =>
  assignments.filter((row) => row.bidId === bidId).map((row) => row.assessorId);

describe('affiliationConflict', () => {
  const northumbriaPccBid = { organisationId: 'org-northumbria-pcc', forceAreaCode: NORTHUMBRIA };

  it('rules out the creator, submitter and anyone who ever belonged to the bidder', () => {
    const made = { ...northumbriaPccBid, createdBy: 'user-a', submittedBy: 'user-b' };
    const person = (userId: string, organisationIds: string[] = []) => ({
      organisationIds: [],
      forceAreaCodes: [],
      person: { userId, organisationIds },
    });
    expect(affiliationConflict(person('user-a'), made)).toBe('the assessor created the bid');
    expect(affiliationConflict(person('user-b'), made)).toBe('the assessor submitted the bid');
    expect(affiliationConflict(person('user-c', ['org-northumbria-pcc']), made)).toBe(
      'the assessor belonged to the bidding organisation',
    );
    expect(affiliationConflict(person('user-c', ['org-durham-pcc']), made)).toBeNull();
  });

  it('never plans a tied assessor onto the bid', () => {
    const made = bid('SSF-0001', 'org-northumbria-pcc', NORTHUMBRIA, { createdBy: 'former' });
    const former: AssessorForPlanning = {
      id: 'former',
      load: 0,
      affiliations: {
        organisationIds: [],
        forceAreaCodes: [],
        person: { userId: 'former', organisationIds: [] },
      },
    };
    const { assignments, shortfalls } = planAssignments([made], [former, assessor('free', 5)], 1);
    expect(assignments).toEqual([{ bidId: made.id, assessorId: 'free' }]);
    expect(shortfalls).toEqual([]);
  });

  it('finds an affiliation with the bidding organisation', () => {
    const conflict = affiliationConflict(
      { organisationIds: ['org-northumbria-pcc'], forceAreaCodes: [] },
      northumbriaPccBid,
    );
    expect(conflict).toMatch(/bidding organisation/);
  });

  it('finds an affiliation with the force area the bid is in', () => {
    const conflict = affiliationConflict(
      { organisationIds: ['org-merseyside-pcc'], forceAreaCodes: [DURHAM, NORTHUMBRIA] },
      { organisationId: 'org-newcastle-city-council', forceAreaCode: NORTHUMBRIA },
    );
    expect(conflict).toMatch(/force area E23000007/);
  });

  it('names the organisation first when the assessor is affiliated with both', () => {
    const conflict = affiliationConflict(
      { organisationIds: ['org-northumbria-pcc'], forceAreaCodes: [NORTHUMBRIA] },
      northumbriaPccBid,
    );
    expect(conflict).toMatch(/bidding organisation/);
    expect(conflict).not.toMatch(/force area/);
  });

  it('finds no conflict with other organisations and force areas', () => {
    expect(
      affiliationConflict(
        { organisationIds: ['org-merseyside-pcc'], forceAreaCodes: [MERSEYSIDE, DURHAM] },
        northumbriaPccBid,
      ),
    ).toBeNull();
    expect(
      affiliationConflict({ organisationIds: [], forceAreaCodes: [] }, northumbriaPccBid),
    ).toBeNull();
  });

  it('finds no force-area conflict for a bid with no force area', () => {
    const nationalCharity = { organisationId: 'org-crimestoppers', forceAreaCode: null };
    expect(
      affiliationConflict({ organisationIds: [], forceAreaCodes: [NORTHUMBRIA] }, nationalCharity),
    ).toBeNull();
    expect(
      affiliationConflict(
        { organisationIds: ['org-crimestoppers'], forceAreaCodes: [] },
        nationalCharity,
      ),
    ).toMatch(/bidding organisation/);
  });
});

describe('planAssignments', () => {
  const fourBids = [
    bid('SSF5-0001', 'org-northumbria-pcc', NORTHUMBRIA),
    bid('SSF5-0002', 'org-durham-pcc', DURHAM),
    bid('SSF5-0003', 'org-merseyside-pcc', MERSEYSIDE),
    bid('SSF5-0004', 'org-sunderland-council', NORTHUMBRIA),
  ];
  const fourFree = ['assessor-a', 'assessor-b', 'assessor-c', 'assessor-d'].map((id) =>
    assessor(id),
  );

  it('fills each bid and spreads the work evenly', () => {
    const { assignments, shortfalls } = planAssignments(fourBids, fourFree, 2);
    expect(shortfalls).toEqual([]);
    expect(assignments).toEqual([
      { bidId: 'bid-ssf5-0001', assessorId: 'assessor-a' },
      { bidId: 'bid-ssf5-0001', assessorId: 'assessor-b' },
      { bidId: 'bid-ssf5-0002', assessorId: 'assessor-c' },
      { bidId: 'bid-ssf5-0002', assessorId: 'assessor-d' },
      { bidId: 'bid-ssf5-0003', assessorId: 'assessor-a' },
      { bidId: 'bid-ssf5-0003', assessorId: 'assessor-b' },
      { bidId: 'bid-ssf5-0004', assessorId: 'assessor-c' },
      { bidId: 'bid-ssf5-0004', assessorId: 'assessor-d' },
    ]);
    expect(loads(assignments)).toEqual({
      'assessor-a': 2,
      'assessor-b': 2,
      'assessor-c': 2,
      'assessor-d': 2,
    });
  });

  it('never gives one assessor the same bid twice', () => {
    const { assignments } = planAssignments(fourBids, fourFree, 3);
    for (const { id } of fourBids) {
      const chosen = assessorsOf(assignments, id);
      expect(chosen).toHaveLength(3);
      expect(new Set(chosen).size).toBe(3);
    }
  });

  it('gives work to the assessors with the lightest existing load first', () => {
    const assessors = [
      assessor('assessor-a', 3),
      assessor('assessor-b', 0),
      assessor('assessor-c', 1),
      assessor('assessor-d', 0),
    ];
    const { assignments } = planAssignments(fourBids.slice(0, 2), assessors, 2);
    // After SSF5-0001, b, c and d all hold 1: ties go by id.
    expect(assessorsOf(assignments, 'bid-ssf5-0001')).toEqual(['assessor-b', 'assessor-d']);
    expect(assessorsOf(assignments, 'bid-ssf5-0002')).toEqual(['assessor-b', 'assessor-c']);
    expect(loads(assignments)['assessor-a']).toBeUndefined();
  });

  it('serves the bid fewest may assess first, so the load still comes out even', () => {
    // In reference order, 0001 would take a and b, 0002 (which c may not assess) a and b again,
    // leaving c alone for 0003: loads 3/2/1 or worse. Constrained first, all three hold 2.
    const bids = [
      bid('SSF5-0001', 'org-northumbria-pcc', NORTHUMBRIA),
      bid('SSF5-0002', 'org-newcastle-council', NORTHUMBRIA),
      bid('SSF5-0003', 'org-northumbria-pcc', NORTHUMBRIA),
    ];
    const assessors = [
      assessor('assessor-a'),
      assessor('assessor-b'),
      assessor('assessor-c', 0, ['org-newcastle-council']),
    ];
    const { assignments, shortfalls } = planAssignments(bids, assessors, 2);
    expect(shortfalls).toEqual([]);
    expect(assessorsOf(assignments, 'bid-ssf5-0002')).toEqual(['assessor-a', 'assessor-b']);
    expect(loads(assignments)).toEqual({ 'assessor-a': 2, 'assessor-b': 2, 'assessor-c': 2 });
  });

  it('does not change the loads it was given', () => {
    const assessors = [assessor('assessor-a', 3), assessor('assessor-b', 0)];
    planAssignments(fourBids, assessors, 1);
    expect(assessors.map((row) => row.load)).toEqual([3, 0]);
  });

  it('never picks an assessor affiliated with the organisation or force area, however light', () => {
    const assessors = [
      assessor('assessor-a', 0, ['org-northumbria-pcc']),
      assessor('assessor-b', 0, [], [NORTHUMBRIA]),
      assessor('assessor-c', 5),
      assessor('assessor-d', 7, ['org-durham-pcc'], [DURHAM]),
    ];
    const { assignments, shortfalls } = planAssignments([fourBids[0]], assessors, 2);
    expect(assignments.map((row) => row.assessorId)).toEqual(['assessor-c', 'assessor-d']);
    expect(shortfalls).toEqual([]);
  });

  it('keeps every assignment free of conflicts across a whole round', () => {
    const assessors = [
      assessor('assessor-a', 0, ['org-northumbria-pcc']),
      assessor('assessor-b', 1, [], [NORTHUMBRIA, DURHAM]),
      assessor('assessor-c', 0, ['org-merseyside-pcc'], [MERSEYSIDE]),
      assessor('assessor-d', 2),
      assessor('assessor-e', 0, ['org-sunderland-council']),
    ];
    const { assignments, shortfalls } = planAssignments(fourBids, assessors, 2);
    expect(shortfalls).toEqual([]);
    expect(assignments).toHaveLength(8);
    for (const { bidId, assessorId } of assignments) {
      const target = fourBids.find((row) => row.id === bidId)!;
      const chosen = assessors.find((row) => row.id === assessorId)!;
      expect(affiliationConflict(chosen.affiliations, target)).toBeNull();
    }
  });

  it('never picks again an assessor who already held the bid, conflicted ones included', () => {
    // assessor-a declared a conflict and was withdrawn; assessor-b still holds the bid.
    const held = bid('SSF5-0001', 'org-northumbria-pcc', NORTHUMBRIA, {
      assessorIds: ['assessor-a', 'assessor-b'],
      activeCount: 1,
    });
    const assessors = [
      assessor('assessor-a', 0),
      assessor('assessor-b', 1),
      assessor('assessor-c', 4),
    ];
    const { assignments, shortfalls } = planAssignments([held], assessors, 3);
    expect(assignments).toEqual([{ bidId: 'bid-ssf5-0001', assessorId: 'assessor-c' }]);
    expect(shortfalls).toEqual([{ bidId: 'bid-ssf5-0001', reference: 'SSF5-0001', missing: 1 }]);
  });

  it('only adds the assessors a bid still needs', () => {
    const partlyFilled = bid('SSF5-0002', 'org-durham-pcc', DURHAM, {
      assessorIds: ['assessor-c'],
      activeCount: 1,
    });
    const { assignments } = planAssignments([partlyFilled], fourFree, 2);
    expect(assignments).toEqual([{ bidId: 'bid-ssf5-0002', assessorId: 'assessor-a' }]);
  });

  it('leaves a full bid alone, and an over-full one without a shortfall', () => {
    const full = bid('SSF5-0003', 'org-merseyside-pcc', MERSEYSIDE, {
      assessorIds: ['assessor-a', 'assessor-b'],
      activeCount: 2,
    });
    const overFull = bid('SSF5-0004', 'org-sunderland-council', NORTHUMBRIA, {
      assessorIds: ['assessor-a', 'assessor-b', 'assessor-c'],
      activeCount: 3,
    });
    expect(planAssignments([full, overFull], fourFree, 2)).toEqual({
      assignments: [],
      shortfalls: [],
    });
  });

  it('reports the bids it could not fill and how many assessors each lacks', () => {
    const assessors = [
      assessor('assessor-a', 0, [], [NORTHUMBRIA]),
      assessor('assessor-b', 0, [], [NORTHUMBRIA]),
      assessor('assessor-c', 0, ['org-durham-pcc']),
    ];
    const { assignments, shortfalls } = planAssignments(fourBids, assessors, 2);
    expect(assessorsOf(assignments, 'bid-ssf5-0001')).toEqual(['assessor-c']);
    expect(assessorsOf(assignments, 'bid-ssf5-0002')).toEqual(['assessor-a', 'assessor-b']);
    expect(assessorsOf(assignments, 'bid-ssf5-0003')).toHaveLength(2);
    expect(shortfalls).toEqual([
      { bidId: 'bid-ssf5-0001', reference: 'SSF5-0001', missing: 1 },
      { bidId: 'bid-ssf5-0004', reference: 'SSF5-0004', missing: 1 },
    ]);
  });

  it('reports every bid as short when there are no assessors', () => {
    const partlyFilled = bid('SSF5-0002', 'org-durham-pcc', DURHAM, { activeCount: 1 });
    const { assignments, shortfalls } = planAssignments([fourBids[0], partlyFilled], [], 3);
    expect(assignments).toEqual([]);
    expect(shortfalls).toEqual([
      { bidId: 'bid-ssf5-0001', reference: 'SSF5-0001', missing: 3 },
      { bidId: 'bid-ssf5-0002', reference: 'SSF5-0002', missing: 2 },
    ]);
  });

  it('plans nothing for no bids', () => {
    expect(planAssignments([], fourFree, 2)).toEqual({ assignments: [], shortfalls: [] });
  });

  it('gives the same plan every time, whatever order bids and assessors arrive in', () => {
    const assessors = [
      assessor('assessor-a', 1, [], [DURHAM]),
      assessor('assessor-b', 0),
      assessor('assessor-c', 2, ['org-northumbria-pcc']),
      assessor('assessor-d', 0, [], [MERSEYSIDE]),
      assessor('assessor-e', 1),
    ];
    const expected = planAssignments(fourBids, assessors, 2);
    expect(planAssignments(fourBids, assessors, 2)).toEqual(expected);
    const reversedBids = [...fourBids].reverse();
    const permutedBids = [2, 0, 3, 1].map((index) => fourBids[index]);
    const reversedAssessors = [...assessors].reverse();
    expect(planAssignments(reversedBids, assessors, 2)).toEqual(expected);
    expect(planAssignments(permutedBids, reversedAssessors, 2)).toEqual(expected);
    expect(expected.assignments.map((row) => row.bidId)).toEqual([
      'bid-ssf5-0001',
      'bid-ssf5-0001',
      'bid-ssf5-0002',
      'bid-ssf5-0002',
      'bid-ssf5-0003',
      'bid-ssf5-0003',
      'bid-ssf5-0004',
      'bid-ssf5-0004',
    ]);
  });
});
