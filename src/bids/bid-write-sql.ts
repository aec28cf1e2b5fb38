import type { EntityManager } from 'typeorm';
import { biddingRoundSql } from '../rounds/round-lifecycle';
import { Bid } from './bid.entity';

// SQL of a bid's writes: its number and reference, its lines (shared by a new draft's one
// statement and an edit's), and an edit's own columns.

// The round `roundId`'s next number (an INSERT answering last_number, for a WITH): its counter
// row made with the round's first draft, then moved on by one, and locked until commit. Only
// while the round is open as the statement finds it: otherwise no row, and nothing moved.
export function nextNumberSql(roundId: string): string {
  return `INSERT INTO round_reference_counters AS c (round_id, last_number)
    SELECT r.id, 1 FROM funding_rounds r WHERE r.id = ${roundId} AND ${biddingRoundSql('r')}
    ON CONFLICT (round_id) DO UPDATE SET last_number = c.last_number + 1
    RETURNING c.last_number`;
}

// The reference of number `number` in the round with code `code` (SQL expressions): at least
// four digits, SSF3-0042, SSF3-12345.
export function referenceSql(code: string, number: string): string {
  return `${code}::text || '-' || lpad(${number}::text, greatest(4, length(${number}::text)), '0')`;
}

// A bid's three lists inserted from JSON arrays (`json`: SQL of the cost lines', match
// funding's and interventions' arrays, as linesFrom makes them) for the bid `bidId` (an SQL
// expression, over `from` when given), as the WITH queries cost (answering amount_pence),
// funding (id, position, amount_pence) and interventions (id, position).
export function lineInsertsSql(
  bidId: string,
  json: [string, string, string],
  from?: string,
): string {
  const source = (list: string) => `${from ? `${from}, ` : ''}jsonb_to_recordset(${list}::jsonb)`;
  return `cost AS (
         INSERT INTO bid_cost_lines (bid_id, financial_year, kind, amount_pence)
         SELECT ${bidId}, l."financialYear", l.kind, l."amountPence"
           FROM ${source(json[0])} AS l("financialYear" text, kind text, "amountPence" bigint)
         RETURNING amount_pence),
       funding AS (
         INSERT INTO bid_match_funding (bid_id, position, source, kind, amount_pence)
         SELECT ${bidId}, l.position, l.source, l.kind, l."amountPence"
           FROM ${source(json[1])} AS l(position int, source text, kind text, "amountPence" bigint)
         RETURNING id, position, amount_pence),
       interventions AS (
         INSERT INTO bid_interventions (bid_id, position, category, type, description, evidence,
                                        cost_pence, output_measure, output_target)
         SELECT ${bidId}, l.position, l.category, l.type, l.description, l.evidence,
                l."costPence", l."outputMeasure", l."outputTarget"
           FROM ${source(json[2])} AS l(position int, category text, type text,
                description text, evidence text, "costPence" bigint, "outputMeasure" text,
                "outputTarget" int)
         RETURNING id, position)`;
}

// The sum of the amounts of lines given as a JSON array (SQL of it), 0 for none.
export function linesTotalSql(json: string): string {
  return `(SELECT coalesce(sum(l."amountPence"), 0)
    FROM jsonb_to_recordset(${json}::jsonb) AS l("amountPence" bigint))`;
}

// The SET list of an edit's own columns, their values appended to `values` as the driver
// stores them (a jsonb column as JSON text), then the version and update time moved as
// TypeORM's own update would.
export function editedColumnsSql(
  manager: EntityManager,
  edit: Partial<Bid>,
  values: unknown[],
): string {
  const metadata = manager.connection.getMetadata(Bid);
  const sets = Object.entries(edit).map(([property, value]) => {
    const column = metadata.findColumnWithPropertyName(property);
    if (!column) {
      throw new Error(`Bid has no column ${property}`);
    }
    values.push(manager.connection.driver.preparePersistentValue(value, column));
    return `"${column.databaseName}" = $${values.length},`;
  });
  return [...sets, 'version = version + 1,', 'updated_at = CURRENT_TIMESTAMP,'].join(' ');
}
