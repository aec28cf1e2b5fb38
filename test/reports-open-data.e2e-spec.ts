import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { expectProblem, startApp, type TestApp } from './support/app';
import { csvValues, unquotedText } from './support/csv';

// The official 360Giving schemas are reference data kept outside the project (the shared folder
// beside it in CI); THREESIXTYGIVING_SCHEMA_DIR says where they are elsewhere.
const SCHEMA_DIR = resolve(
  process.env.THREESIXTYGIVING_SCHEMA_DIR ?? join(__dirname, '../../shared/360giving'),
);
const GRANT_SCHEMA = join(SCHEMA_DIR, '360-giving-schema.json');
const PACKAGE_SCHEMA = join(SCHEMA_DIR, '360-giving-package-schema.json');
const haveSchemas = existsSync(GRANT_SCHEMA) && existsSync(PACKAGE_SCHEMA);
if (!haveSchemas) {
  console.warn(
    `Skipping the 360Giving schema validation: no schemas at ${SCHEMA_DIR}. Set THREESIXTYGIVING_SCHEMA_DIR to the folder holding 360-giving-schema.json and 360-giving-package-schema.json.`,
  );
}

// The package schema refers to the grant schema by its 1.4.2 address: both names point at it.
function packageValidator() {
  const grant = JSON.parse(readFileSync(GRANT_SCHEMA, 'utf8')) as { $id: string };
  const ajv = new Ajv2020({ validateSchema: false, allErrors: true, strict: false });
  addFormats(ajv);
  ajv.addSchema(grant, grant.$id);
  ajv.addSchema(
    grant,
    'https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/360-giving-schema.json',
  );
  return ajv.compile(JSON.parse(readFileSync(PACKAGE_SCHEMA, 'utf8')) as object);
}

// The demo's delivery round has one accepted award (£333,852.28, £82,000.00 paid); its decided
// round has only an offer not yet accepted, which is never published.
describe('reports: 360Giving open data', () => {
  let t: TestApp;
  const open = (query: string) => t.http().get(`/api/v1/open-data/360giving${query}`);

  beforeAll(async () => {
    t = await startApp({ processRole: 'api' });
  });
  afterAll(() => t.close());

  it('publishes accepted awards to anyone, with stable ids and amounts in pounds', async () => {
    const { body } = await open('?round=SSF-DEMO-R').expect(200);
    expect(body).toMatchObject({ version: '1.4', identifier: '360G-HO-SSF-SSF-DEMO-R' });
    expect(body.grants).toHaveLength(1);
    const [grant] = body.grants;
    expect(grant).toMatchObject({
      id: '360G-HO-SSF-SSF-DEMO-R-0001',
      title: 'Safer homes in Byker and Walker',
      currency: 'GBP',
      amountAppliedFor: 333852.28,
      amountAwarded: 333852.28,
      amountDisbursed: 82000,
      plannedDates: [{ startDate: '2025-04-01', endDate: '2026-03-31' }],
      beneficiaryLocation: [
        { name: 'Northumbria', geoCode: 'E23000007', geoCodeType: 'PFA', countryCode: 'GB' },
      ],
      fundingOrganization: [{ id: '360G-HO-SSF-HOME-OFFICE', name: 'Home Office' }],
      grantProgramme: [{ code: 'SSF-DEMO-R' }],
      fromOpenCall: 'Yes',
    });
    expect(grant.recipientOrganization[0]).toMatchObject({
      name: 'Police and Crime Commissioner for Northumbria',
      id: expect.stringMatching(/^(GB-CHC-|GB-COH-|360G-HO-SSF-ORG-)/),
    });
    expect(grant.awardDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // Stable: the same ids and amounts on every read.
    const again = await open('?round=SSF-DEMO-R').expect(200);
    expect(again.body.grants).toEqual(body.grants);
  });

  (haveSchemas ? it : it.skip)('validates against the official 360Giving schema', async () => {
    const validate = packageValidator();
    const { body } = await open('?round=SSF-DEMO-R').expect(200);
    const valid = validate(body);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    // The validator does catch a broken grant.
    expect(validate({ ...body, grants: [{ ...body.grants[0], amountAwarded: '333852.28' }] })).toBe(
      false,
    );
  });

  it('gives the grants as CSV with the standard’s column titles', async () => {
    const response = await open('?round=SSF-DEMO-R&format=csv').expect(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe(
      'attachment; filename="360giving-SSF-DEMO-R.csv"',
    );
    expect(unquotedText(response.text)).toEqual([]);
    // As the spend CSV: the byte-order mark (Excel reads UTF-8 only with it) and CRLF line ends.
    expect(response.text.startsWith('\uFEFF')).toBe(true);
    expect(response.text.split('\r\n').length).toBe(response.text.split('\n').length);
    const [header, row, rest] = response.text.split('\r\n');
    const [titles, values] = csvValues(response.text);
    expect(titles.slice(0, 8)).toEqual([
      'Identifier',
      'Title',
      'Description',
      'Currency',
      'Amount Applied For',
      'Amount Awarded',
      'Amount Disbursed',
      'Award Date',
    ]);
    expect(header).toContain('"Beneficiary Location:Geographic Code",');
    expect(values.slice(0, 2)).toEqual([
      '360G-HO-SSF-SSF-DEMO-R-0001',
      'Safer homes in Byker and Walker',
    ]);
    // Text quoted, amounts as numbers.
    expect(row).toContain(',"GBP",333852.28,333852.28,82000,');
    expect(rest).toBe('');
  });

  it('publishes nothing not accepted, and says what is wrong with a bad request', async () => {
    expectProblem((await open('?round=SSF-DEMO-D')).body, 404);
    expect((await open('?round=SSF-DEMO-D')).body.detail).toContain('no accepted awards');
    expectProblem((await open('?round=NOPE')).body, 404);
    expectProblem((await open('')).body, 400);
    expectProblem((await open('?round=SSF-DEMO-R&format=xml')).body, 400);
    expectProblem((await open('?round=%3Cscript%3E')).body, 400);
  });
});
