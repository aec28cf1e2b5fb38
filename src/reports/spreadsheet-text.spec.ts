import { csvRecord, csvText, spreadsheetText } from './spreadsheet-text';

const FORMULA_START = /^[=+\-@\t\r]/;

// The cells a spreadsheet would make of a text split on `separator`, with the spaces and double
// quotes that may lead a cell taken off.
const cellsOf = (text: string, separator: string) =>
  text.split(separator).map((cell) => cell.replace(/^[ "]+/, ''));

describe('spreadsheetText', () => {
  it('keeps formulas from running and leaves other text alone', () => {
    expect(spreadsheetText('=HYPERLINK("http://evil.example","Click")')).toBe(
      `'=HYPERLINK("http://evil.example","Click")`,
    );
    for (const start of ['+', '-', '@', '\t', '\r']) {
      expect(spreadsheetText(`${start}1+1`).startsWith(`'${start}1+1`)).toBe(true);
    }
    expect(spreadsheetText('Safer homes in Byker')).toBe('Safer homes in Byker');
    expect(spreadsheetText('Byker = Walker')).toBe('Byker = Walker');
    expect(spreadsheetText('Co-op lighting, phase 2')).toBe('Co-op lighting, phase 2');
    expect(spreadsheetText(null)).toBe('');
  });

  it('guards a formula that would start a cell after a separator or a line break', () => {
    expect(spreadsheetText('Lights;=1+2;@SUM(1+1)')).toBe("Lights;'=1+2;'@SUM(1+1)");
    expect(spreadsheetText('Lights,+1|-2')).toBe("Lights,'+1|'-2");
    expect(spreadsheetText('Lights\n=1+2\r\n@A1')).toBe("Lights\n'=1+2\r\n'@A1");
    expect(spreadsheetText('Lights; "=1+2"')).toBe(`Lights; "'=1+2"`);
    // A tab both starts a formula and splits cells: both are guarded.
    expect(spreadsheetText('Lights;\t=1')).toBe("Lights;'\t'=1");
  });

  it('leaves no cell starting a formula, whatever a spreadsheet splits on', () => {
    const attacks = [
      'Lights;=1+2;@SUM(1+1)',
      '=1+2',
      ' =1+2',
      '"=1+2"',
      'a,=1|+2\t-3;@4\r=5\n=6',
      'a;;=1',
      'a;\t\t=1',
      'a; " \t=1',
      '\r\n=1',
    ];
    for (const attack of attacks) {
      const safe = spreadsheetText(attack);
      for (const separator of [',', ';', '\t', '|', '\n', '\r']) {
        for (const cell of cellsOf(safe, separator)) {
          expect([attack, cell, FORMULA_START.test(cell)]).toEqual([attack, cell, false]);
        }
      }
    }
  });
});

describe('csvText and csvRecord', () => {
  it('quotes every text field, doubles quotes inside, and writes numbers as they are', () => {
    expect(csvText('Safer homes')).toBe('"Safer homes"');
    expect(csvText('')).toBe('""');
    expect(csvText(null)).toBe('');
    expect(csvText('Say "hello", then\nleave')).toBe('"Say ""hello"", then\nleave"');
    expect(csvText('Lights;=1+2;@SUM(1+1)')).toBe(`"Lights;'=1+2;'@SUM(1+1)"`);
    expect(csvRecord(['SSF-0001', 333852.28, null, -5, '=1'])).toBe(
      `"SSF-0001",333852.28,,-5,"'=1"\r\n`,
    );
  });
});
