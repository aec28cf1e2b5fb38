import { bidTie, tieReason } from './separation.rules';

describe('bidTie', () => {
  const bid = { organisationId: 'org-a', createdBy: 'u-creator', submittedBy: 'u-submitter' };
  const person = (userId: string, organisationIds: string[] = []) => ({ userId, organisationIds });

  it('ties the person who created the bid', () => {
    expect(bidTie(person('u-creator'), bid)).toBe('created');
  });

  it('ties the person who submitted the bid', () => {
    expect(bidTie(person('u-submitter'), bid)).toBe('submitted');
  });

  it('ties anyone who ever belonged to the bidding organisation', () => {
    expect(bidTie(person('u-other', ['org-b', 'org-a']), bid)).toBe('member');
  });

  it('leaves everyone else free', () => {
    expect(bidTie(person('u-other', ['org-b']), bid)).toBeNull();
    expect(bidTie(person('u-other'), { ...bid, submittedBy: null })).toBeNull();
  });

  it('says why in words', () => {
    expect(`you ${tieReason('member')}`).toBe('you belonged to the bidding organisation');
  });
});
