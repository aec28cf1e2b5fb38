import type { ExportColumn } from './export-column';

// A column added in one place to the export's definition, for the specs that check every writer
// shows it: read from the database (a return's id), on quarter lines only.
export const RETURN_ID_COLUMN: ExportColumn = {
  key: 'return_id',
  heading: 'Return id',
  type: 'text',
  width: 38,
  sqlType: 'text',
  sql: { quarter: 'd.id::text' },
  csv: true,
  excel: true,
};
