import { readableFileSize } from './file-size';

describe('readableFileSize', () => {
  it('shows bytes, whole KB, and MB to one decimal place', () => {
    expect(readableFileSize(512)).toBe('512 bytes');
    expect(readableFileSize(2_560)).toBe('3 KB');
    expect(readableFileSize(5 * 1024 * 1024)).toBe('5 MB');
    expect(readableFileSize(1.25 * 1024 * 1024)).toBe('1.3 MB');
    expect(readableFileSize(1_500 * 1024 * 1024)).toBe('1,500 MB');
  });
});
