// A request the floor turns down, answered as a problem+json body with this status and code.
export class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: unknown[] = [],
  ) {
    super(message);
  }
}
