import { ValueTransformer } from 'typeorm';

export class UnsafeMoneyError extends Error {}

// bigint pence <-> JS number, refusing anything a number cannot hold exactly.
export const penceTransformer: ValueTransformer = {
  to(value: number | null | undefined): string | null | undefined {
    if (value === null || value === undefined) {
      return value;
    }
    if (!Number.isSafeInteger(value)) {
      throw new UnsafeMoneyError(
        `${String(value)} is not a whole number of pence within the safe range`,
      );
    }
    return String(value);
  },
  from(value: string | null): number | null {
    if (value === null) {
      return null;
    }
    const pence = Number(value);
    if (!Number.isSafeInteger(pence)) {
      throw new UnsafeMoneyError(`Stored amount ${value} pence is beyond the safe integer range`);
    }
    return pence;
  },
};
