import {
  createGrantsClient,
  expectOk,
  type GrantsClient,
  type Schemas,
} from '@safer-streets-grants/client';
import { rememberSecondFactor, unusedCode } from '../support/second-factor';

// The tests drive the API as a portal would: through the client package (client/), whose every
// path, parameter, body and answer comes from the app's OpenAPI document, so a gap there fails
// to compile here.
export type Api = GrantsClient;
export type { Schemas };

export function apiClient(baseUrl: string): Api {
  return createGrantsClient({ baseUrl });
}

// The answer of a call that must succeed; otherwise an error naming the status and the problem.
export const ok = expectOk;

// A client signed in as the user through the second factor where the account has one (a code
// computed from its secret), enrolling staff who have none yet.
export async function signIn(baseUrl: string, email: string, password: string): Promise<Api> {
  const api = createGrantsClient({ baseUrl });
  const step = await api.signIn(email, password);
  if (!step.signedIn) {
    // Another test file (or the global setup) may have used this step's code: then the next
    // step's, then the one after that (unusedCode waits for it).
    for (let attempt = 1; ; attempt++) {
      try {
        await api.completeSecondFactor(step.challenge, await unusedCode(email));
        return api;
      } catch (error) {
        const spentCode = (error as { code?: string }).code === 'second-factor-code-wrong';
        if (!spentCode || attempt === 3) {
          throw error;
        }
      }
    }
  }
  if (step.user.role === 'applicant' || step.user.secondFactorEnrolledAt) {
    return api;
  }
  const { secret } = await ok(api.POST('/api/v1/me/second-factor'));
  rememberSecondFactor(email, secret);
  const confirmed = await ok(
    api.POST('/api/v1/me/second-factor/confirm', { body: { code: await unusedCode(email) } }),
  );
  // Enrolment ends the password-only session and begins a full one.
  return createGrantsClient({
    baseUrl,
    session: { accessToken: confirmed.accessToken, refreshToken: confirmed.refreshToken },
  });
}
