import { QueryFailedError } from 'typeorm';
import { loggableError, withoutEmailAddresses } from './log-redaction';

describe('what a log may say about an error', () => {
  it('takes email addresses out of free text', () => {
    expect(
      withoutEmailAddresses('550 5.1.1 <Pat.Smith@example.gov.uk>: Recipient address rejected'),
    ).toBe('550 5.1.1 <[address]>: Recipient address rejected');
  });

  it("keeps a database error's class, message and code, never its query parameters", () => {
    const driverError = Object.assign(new Error('value too long for type character varying(50)'), {
      code: '22001',
      detail: 'Key (email)=(pat@example.gov.uk) already exists.',
    });
    const error = new QueryFailedError(
      'INSERT INTO users (email, password_hash) VALUES ($1, $2)',
      ['pat@example.gov.uk', '$argon2id$v=19$secret-hash'],
      driverError,
    );
    const logged = JSON.stringify(loggableError(error));
    expect(logged).toContain('QueryFailedError');
    expect(logged).toContain('value too long');
    expect(logged).toContain('22001');
    expect(logged).not.toContain('pat@example.gov.uk');
    expect(logged).not.toContain('secret-hash');
    expect(logged).not.toContain('INSERT INTO');
  });

  it('says what a thrown non-error was, without addresses', () => {
    expect(loggableError('refused for a@b.example')).toEqual({
      type: 'string',
      message: 'refused for [address]',
    });
  });
});
