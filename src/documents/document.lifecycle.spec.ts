import { DomainError } from '../common/domain-error';
import { RETURN_ERRORS } from '../returns/returns.errors';
import { scannedCleanSha256s } from './document.lifecycle';

const doc = (id: string, scanStatus: 'pending' | 'clean' | 'infected') => ({
  id,
  fileName: `${id}.pdf`,
  sha256: `sha-${id}`,
  scanStatus,
});

describe('scannedCleanSha256s', () => {
  it('answers the SHA-256s in the order given when every document is clean', () => {
    expect(
      scannedCleanSha256s(
        [doc('a', 'clean'), doc('b', 'clean')],
        RETURN_ERRORS['return-documents-not-ready'],
        'Bid B1',
      ),
    ).toEqual(['sha-a', 'sha-b']);
    expect(scannedCleanSha256s([], RETURN_ERRORS['return-documents-not-ready'], 'Bid B1')).toEqual(
      [],
    );
  });

  it('refuses with the code given, listing each document not yet scanned clean', () => {
    let thrown: unknown;
    try {
      scannedCleanSha256s(
        [doc('a', 'clean'), doc('b', 'pending'), doc('c', 'infected')],
        RETURN_ERRORS['return-documents-not-ready'],
        'The return for Q1 2025/26',
      );
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DomainError);
    expect(thrown).toMatchObject({
      code: 'return-documents-not-ready',
      status: 409,
      message: expect.stringContaining(
        'The return for Q1 2025/26 has 2 documents not yet scanned clean',
      ),
      errors: [
        { field: 'documents.b', message: 'b.pdf is waiting for its virus scan' },
        { field: 'documents.c', message: 'c.pdf is infected' },
      ],
    });
  });
});
