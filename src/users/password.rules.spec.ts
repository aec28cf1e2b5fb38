import { passwordProblem } from './password.rules';

describe('password rule (NCSC: length and a deny-list, no composition rules)', () => {
  it.each([
    ['12 spaces', ' '.repeat(12), /blank/],
    ['empty', '', /blank/],
    ['one character repeated', 'aaaaaaaaaaaa', /repeated/],
    ['a short pattern repeated', 'abcabcabcabc', /repeated/],
    ['a run of digits', '123456789012', /digits/],
    ['only digits', '493817263540', /digits/],
    ['letters in order', 'abcdefghijklm', /in order/],
    ['letters in reverse order', 'ZYXWVUTSRQPO', /in order/],
    ['a common password', 'qwerty123456', /commonly used/],
    ['a common password in capitals', 'QAZWSXEDCRFV', /commonly used/],
    ['a common password with spaces round it', '  administrator  ', /commonly used/],
    ['too short', 'Tr0ub4dor&3', /12 to 200 characters/],
    ['too long', 'x1'.repeat(101), /12 to 200 characters/],
  ])('refuses %s', (_what, password, message) => {
    expect(passwordProblem(password)).toMatch(message);
  });

  it.each([
    'correct horse battery staple',
    'Demo-Password-2026',
    'a-long-enough-password',
    'Initial-Password-abc123',
    // Length counts characters, not UTF-16 units.
    'ünïcödé-pässwörd',
  ])('accepts %s', (password) => {
    expect(passwordProblem(password)).toBeNull();
  });

  it('counts an astral character once', () => {
    expect(passwordProblem('🔒'.repeat(6) + 'abcdef')).toBeNull();
    expect(passwordProblem('🔒🔑'.repeat(5))).toMatch(/12 to 200/);
  });
});
