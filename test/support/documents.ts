import type { DocumentDto } from '../../src/documents/documents.dto';
import type { TestApp } from './app';

// A small but real PDF.
export const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

// The document once its virus scan has a verdict (or as it is after 30 seconds).
export async function waitForScan(
  t: TestApp,
  who: { authorization: string },
  path: string,
): Promise<DocumentDto> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const response = await t.http().get(path).set(who).expect(200);
    if (response.body.scanStatus !== 'pending' || Date.now() > deadline) {
      return response.body as DocumentDto;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
