// Text from people (titles, organisation names) made safe for a CSV opened in a spreadsheet:
// a cell that starts with =, +, -, @, a tab or a carriage return is run as a formula, so such
// text gets a leading apostrophe, which spreadsheets show as plain text.
export function spreadsheetText(text: string | null | undefined): string {
  const value = text ?? '';
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}
