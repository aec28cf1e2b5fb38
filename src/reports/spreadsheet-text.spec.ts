import { spreadsheetText } from './spreadsheet-text';

describe('spreadsheetText', () => {
  it('keeps formulas from running and leaves other text alone', () => {
    expect(spreadsheetText('=HYPERLINK("http://evil.example","Click")')).toBe(
      `'=HYPERLINK("http://evil.example","Click")`,
    );
    for (const start of ['+', '-', '@', '\t', '\r']) {
      expect(spreadsheetText(`${start}1+1`)).toBe(`'${start}1+1`);
    }
    expect(spreadsheetText('Safer homes in Byker')).toBe('Safer homes in Byker');
    expect(spreadsheetText('Byker = Walker')).toBe('Byker = Walker');
    expect(spreadsheetText(null)).toBe('');
  });
});
