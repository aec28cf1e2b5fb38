import { randomUUID } from 'node:crypto';
import type { CreateRoundDto } from '../../src/rounds/round.dto';

// ISO 8601 forms that are not one instant with its offset (a week date, the basic format, an
// hour alone): every instant field of the API refuses them with 400 naming the field.
export const NOT_INSTANTS = ['2026-W51-1', '20261218T170000Z', '2026-12-18T17'];

export function uniqueSuffix(): string {
  return randomUUID().slice(0, 8).toUpperCase();
}

// A valid competitive round open from now for a week; each test overrides only what it is about.
export function validRound(overrides: Partial<CreateRoundDto> = {}): CreateRoundDto {
  const now = Date.now();
  return {
    code: `T${uniqueSuffix()}`,
    name: 'Test round',
    awardType: 'competitive',
    budgetPence: 2_000_000_000,
    opensAt: new Date(now - 60_000).toISOString(),
    closesAt: new Date(now + 7 * 86_400_000).toISOString(),
    deliveryStartsOn: new Date(now + 30 * 86_400_000).toISOString().slice(0, 10),
    deliveryEndsOn: new Date(now + 300 * 86_400_000).toISOString().slice(0, 10),
    eligibleApplicantTypes: ['pcc', 'local_authority'],
    capPerBidPence: 43_200_000,
    matchFundingPercent: { pcc: 20, local_authority: 20 },
    bidLimitScope: 'pcc_area',
    bidLimit: 3,
    crimeFocus: ['burglary'],
    interventionTaxonomy: [{ category: 'Situational', types: ['CCTV', 'Street lighting'] }],
    criteria: [
      { title: 'Strategic case', weight: 60, maxMark: 5 },
      { title: 'Value for money', weight: 40, maxMark: 5 },
    ],
    divergenceThreshold: 20,
    qualityThreshold: 50,
    ...overrides,
  };
}

export function validOrganisation(
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    name: `Test Charity ${uniqueSuffix()}`,
    type: 'cso',
    forceAreaCode: 'E23000007',
    charityNumber: '9912345',
    ...overrides,
  };
}

// A staff user (no organisation) with a unique address, as POST /users takes it (no password:
// the user chooses one from their invitation; see createAccount in accounts.ts).
export function validStaffUser(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const suffix = uniqueSuffix().toLowerCase();
  return {
    email: `staff-${suffix}@homeoffice.example`,
    name: `Sam Staff ${suffix}`,
    role: 'assessor',
    ...overrides,
  };
}
