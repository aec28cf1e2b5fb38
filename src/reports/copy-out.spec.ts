import { copyTextReader } from './copy-out';

describe('copyTextReader (COPY text rows to lines)', () => {
  const rows = ['"a\\\\b","line\\none",1.00', '"tab\\there\\r",,', '"plain"'];
  const csv = '"a\\b","line\none",1.00\r\n"tab\there\r",,\r\n"plain"\r\n';

  it('unescapes backslashes and control characters and ends each row with CRLF', () => {
    const reader = copyTextReader();
    expect(reader.read(Buffer.from(`${rows.join('\n')}\n`)).toString()).toBe(csv);
    expect(reader.rows()).toBe(3);
  });

  it('reads the same whatever the chunks, an escape split between two included', () => {
    const bytes = Buffer.from(`${rows.join('\n')}\n`);
    for (let size = 1; size <= bytes.length; size += 1) {
      const reader = copyTextReader();
      const out: Buffer[] = [];
      for (let at = 0; at < bytes.length; at += size) {
        out.push(reader.read(bytes.subarray(at, at + size)));
      }
      expect(Buffer.concat(out).toString()).toBe(csv);
      expect(reader.rows()).toBe(3);
    }
  });

  it('ends each row as it is asked to', () => {
    const reader = copyTextReader('\n');
    expect(reader.read(Buffer.from('a\\tb\nc\n')).toString()).toBe('a\tb\nc\n');
    expect(reader.rows()).toBe(2);
  });

  it('refuses an escape COPY never writes', () => {
    expect(() => copyTextReader().read(Buffer.from('a\\N\n'))).toThrow(/\\N/);
  });
});
