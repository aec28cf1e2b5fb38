import { currentRequestId, requestIdFrom, runInRequestContext } from './request-context';

describe('requestIdFrom', () => {
  it('keeps an id of letters, digits and . _ : - up to 128 characters', () => {
    expect(requestIdFrom('abc-123_x.y:z')).toBe('abc-123_x.y:z');
    expect(requestIdFrom('a'.repeat(128))).toBe('a'.repeat(128));
  });

  it.each([
    ['too long', 'a'.repeat(129)],
    ['empty', ''],
    ['with a control character', 'abc\u0001def'],
    ['with a newline', 'abc\ndef'],
    ['with a space', 'abc def'],
    ['sent twice', ['a', 'b']],
    ['absent', undefined],
  ])('replaces one %s with a new UUID', (_what, header) => {
    const id = requestIdFrom(header);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(id).not.toBe(header);
  });
});

describe('the request context', () => {
  it('is readable from code awaited inside it, and absent outside', async () => {
    expect(currentRequestId()).toBeUndefined();
    const seen = await runInRequestContext({ requestId: 'r-1' }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return currentRequestId();
    });
    expect(seen).toBe('r-1');
    expect(runInRequestContext(undefined, () => currentRequestId())).toBeUndefined();
  });
});
