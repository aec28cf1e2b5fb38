import { inPortalWords } from './api-wording';

describe('the API’s words in the portal', () => {
  it('reads ISO dates as UK dates, leaving other numbers alone', () => {
    expect(
      inPortalWords('Q4 2026/27 runs to 2027-03-31; its return opens the day after', 'quarter'),
    ).toBe('Q4 2026/27 runs to 31 March 2027; its return opens the day after');
    expect(inPortalWords('reference 2027-99-99 kept')).toBe('reference 2027-99-99 kept');
    expect(inPortalWords('not a day 2027-02-30')).toBe('not a day 2027-02-30');
  });

  it('reads ISO instants as UK times, with the clock named', () => {
    expect(inPortalWords('closes at 2027-03-31T12:00:00Z')).toBe(
      'closes at 31 March 2027 13:00:00 BST',
    );
    expect(inPortalWords('opened 2026-12-01T09:30:05.123Z, as asked')).toBe(
      'opened 1 December 2026 09:30:05 GMT, as asked',
    );
    expect(inPortalWords('due 2026-07-01T00:30:00+01:00.')).toBe('due 1 July 2026 00:30:00 BST.');
    expect(inPortalWords('not a time 2027-02-30T25:00:00Z')).toBe(
      'not a time 2027-02-30T25:00:00Z',
    );
  });

  it('counts a rate limit’s wait in minutes', () => {
    expect(
      inPortalWords(
        'Too many password resets were asked for this email: try again in 3195 seconds.',
      ),
    ).toBe('Too many password resets were asked for this email: try again in 54 minutes.');
    expect(inPortalWords('Too many wrong codes: try again in 20 seconds.')).toBe(
      'Too many wrong codes: try again in 1 minute.',
    );
  });

  it('says a common password the portal’s way, only for the password field', () => {
    const api =
      'password is one of the most commonly used passwords, which attackers try first; choose another';
    expect(inPortalWords(api, 'password')).toBe(
      'Choose a password that is harder to guess: this one is among the most common',
    );
    expect(inPortalWords(api, 'title')).toBe(api);
  });
});
