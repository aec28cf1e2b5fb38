import createClient, { type Client } from 'openapi-fetch';
import { rememberSecondFactor, unusedCode } from '../support/second-factor';
import type { components, paths } from './api-schema';

// The typed client a front end would use: every path, parameter, body and answer comes from
// the app's OpenAPI document (api-schema.ts, generated), so a gap there fails to compile here.
export type Api = Client<paths>;
export type Schemas = components['schemas'];

export function apiClient(baseUrl: string, token?: string): Api {
  return createClient<paths>({
    baseUrl,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
}

// The answer of a call that must succeed; otherwise an error naming the call, the status and
// the problem the API gave.
export async function ok<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const { data, error, response } = await call;
  if (error !== undefined || data === undefined) {
    const detail = typeof error === 'string' ? error : JSON.stringify(error);
    throw new Error(`${response.url} answered ${response.status}: ${detail}`);
  }
  return data;
}

// A client signed in as the user through the second factor where the account has one (a code
// computed from its secret), enrolling staff who have none yet: every call typed.
export async function signIn(baseUrl: string, email: string, password: string): Promise<Api> {
  const anonymous = apiClient(baseUrl);
  const login = await anonymous.POST('/api/v1/auth/login', { body: { email, password } });
  const answer = await ok(Promise.resolve(login));
  if ('challenge' in answer) {
    // Another test file (or the global setup) may have used this step's code: then the next
    // step's, then the one after that (unusedCode waits for it).
    for (let attempt = 1; ; attempt++) {
      const completed = await anonymous.POST('/api/v1/auth/login/second-factor', {
        body: { challenge: answer.challenge, code: await unusedCode(email) },
      });
      const spentCode = completed.error?.code === 'second-factor-code-wrong';
      if (!spentCode || attempt === 3) {
        return apiClient(baseUrl, (await ok(Promise.resolve(completed))).accessToken);
      }
    }
  }
  if (answer.user.role === 'applicant' || answer.user.secondFactorEnrolledAt) {
    return apiClient(baseUrl, answer.accessToken);
  }
  const passwordOnly = apiClient(baseUrl, answer.accessToken);
  const { secret } = await ok(passwordOnly.POST('/api/v1/me/second-factor'));
  rememberSecondFactor(email, secret);
  const { accessToken } = await ok(
    passwordOnly.POST('/api/v1/me/second-factor/confirm', {
      body: { code: await unusedCode(email) },
    }),
  );
  return apiClient(baseUrl, accessToken);
}
