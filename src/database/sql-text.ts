// Codes the code itself declares (statuses, purposes) as an SQL list of text literals, for
// `IN (...)` in a lifecycle's SQL fragments and checks. Never for anything a request sent: those
// go in as values.
export function textListSql(codes: readonly string[]): string {
  return codes.map((code) => `'${code}'`).join(', ');
}
