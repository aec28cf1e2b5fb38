import { dictionary } from '@zxcvbn-ts/language-common';
import { ValidateBy, ValidationOptions } from 'class-validator';

// NCSC password guidance: a minimum length and a deny-list of passwords attackers try first, no
// composition rules. One rule for every place a password is set.
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 200;

// Unit lengths checked for a repeated pattern: `aaaa…`, `abab…`, `abcabc…`, `pass` × 3.
const MAX_REPEATED_UNIT = 4;

let commonPasswords: Set<string> | undefined;
function isCommonPassword(lowerCased: string): boolean {
  // The most common passwords from leaks (about 49,000, lower-case), loaded on first use.
  commonPasswords ??= new Set(dictionary['passwords-common']);
  return commonPasswords.has(lowerCased);
}

// Each character one step up or down from the one before (`abcdefghijkl`, `987654321098`).
function isSequence(characters: string[]): boolean {
  const steps = new Set<number>();
  for (let i = 1; i < characters.length; i++) {
    const previous = characters[i - 1].codePointAt(0) ?? 0;
    const current = characters[i].codePointAt(0) ?? 0;
    const digits = /\d/.test(characters[i - 1]) && /\d/.test(characters[i]);
    // Digits wrap round: 7890 and 0987 are runs too.
    const step = digits ? (((current - previous) % 10) + 10) % 10 : current - previous;
    steps.add(digits && step === 9 ? -1 : step);
  }
  return steps.size === 1 && (steps.has(1) || steps.has(-1));
}

function isRepeatedUnit(characters: string[]): boolean {
  for (let unit = 1; unit <= MAX_REPEATED_UNIT; unit++) {
    if (characters.length >= unit * 2 && characters.every((c, i) => c === characters[i % unit])) {
      return true;
    }
  }
  return false;
}

// Why a password may not be used, as a sentence for the person choosing it, or null when it may.
export function passwordProblem(password: string): string | null {
  const characters = [...password];
  if (password.trim() === '') {
    return 'password must not be blank';
  }
  if (characters.length < PASSWORD_MIN_LENGTH || characters.length > PASSWORD_MAX_LENGTH) {
    return `password must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters long; three random words make a strong one`;
  }
  const lower = characters.map((c) => c.toLowerCase());
  if (isRepeatedUnit(lower)) {
    return 'password must not be one character or a short pattern repeated; three random words make a strong one';
  }
  if (/^\d+$/.test(password)) {
    return 'password must not be only digits; three random words make a strong one';
  }
  if (isSequence(lower)) {
    return 'password must not be a run of letters or digits in order (abcd…, 1234…); three random words make a strong one';
  }
  if (isCommonPassword(password.toLowerCase()) || isCommonPassword(password.trim().toLowerCase())) {
    return 'password is one of the most commonly used passwords, which attackers try first; choose another (three random words make a strong one)';
  }
  return null;
}

// The rule as a DTO field check: the answer names the field and says what to change.
export function IsAcceptablePassword(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isAcceptablePassword',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && passwordProblem(value) === null,
        defaultMessage: (args) =>
          typeof args?.value === 'string'
            ? (passwordProblem(args.value) ?? 'password is not acceptable')
            : 'password must be text',
      },
    },
    options,
  );
}
