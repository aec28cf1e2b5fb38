import { generate } from 'otplib';
import { setTimeout as sleep } from 'node:timers/promises';
import { STAFF_ROLES, type Role } from '../../src/common/access';
import { DEMO_SECOND_FACTOR_SECRET } from '../../src/demo/demo-second-factor';

// Signing in as the tests do, through the real second factor: a code computed with otplib from
// the user's secret (the demo's for demo staff; for a user a test made, the one its enrolment
// answered). Works over any HTTP client: `post` sends JSON and answers status and body.

export type Post = (path: string, body: object, token?: string) => Promise<Answer>;
export interface Answer {
  status: number;
  body: Record<string, unknown>;
}

export interface SignedIn {
  accessToken: string;
  user: { id: string; email: string; role: Role; secondFactorEnrolledAt: string | null };
}

const PERIOD_MS = 30_000;
// Secrets of the users this test file enrolled, and the last step each was given a code for.
const secrets = new Map<string, string>();
const lastSteps = new Map<string, number>();

export function secondFactorSecretOf(email: string): string {
  return secrets.get(email.toLowerCase()) ?? DEMO_SECOND_FACTOR_SECRET;
}

export function rememberSecondFactor(email: string, secret: string): void {
  secrets.set(email.toLowerCase(), secret);
}

// A code for a step the server has not seen used for this user, as far as this file knows: now's,
// else the next one's (the server accepts ±1 step), else it waits for the step to turn. A code
// can't be used twice, so this is how one user signs in again within 30 seconds.
export async function unusedCode(
  email: string,
  secret = secondFactorSecretOf(email),
): Promise<string> {
  const key = email.toLowerCase();
  for (;;) {
    const now = Math.floor(Date.now() / PERIOD_MS);
    const step = Math.max(now, (lastSteps.get(key) ?? -Infinity) + 1);
    if (step <= now + 1) {
      lastSteps.set(key, step);
      return generate({ secret, epoch: step * (PERIOD_MS / 1000) });
    }
    await sleep((now + 1) * PERIOD_MS - Date.now() + 20);
  }
}

// Email and password, then whatever the answer asks for: a code for the challenge (202), or,
// for staff who have not enrolled, an enrolment (remembering the secret) that signs them in.
export async function signInThroughSecondFactor(
  post: Post,
  email: string,
  password: string,
): Promise<SignedIn> {
  const answer = await post('/api/v1/auth/login', { email, password });
  if (answer.status === 202) {
    return completeChallenge(post, email, answer.body.challenge as string);
  }
  const signedIn = expectStatus(answer, 200, `log in as ${email}`) as unknown as SignedIn;
  if (STAFF_ROLES.includes(signedIn.user.role) && !signedIn.user.secondFactorEnrolledAt) {
    return enrolSecondFactor(post, signedIn.accessToken, email);
  }
  return signedIn;
}

export async function completeChallenge(
  post: Post,
  email: string,
  challenge: string,
): Promise<SignedIn> {
  // Another test file (or the global setup) may have used this step's code: then the next one.
  for (let attempt = 1; ; attempt++) {
    const code = await unusedCode(email);
    const answer = await post('/api/v1/auth/login/second-factor', { challenge, code });
    if (answer.status !== 401 || answer.body.code !== 'second-factor-code-wrong' || attempt === 3) {
      return expectStatus(answer, 200, `complete the sign-in of ${email}`) as unknown as SignedIn;
    }
  }
}

// Enrols the signed-in user and confirms with a code: the answer is a token proven by it.
export async function enrolSecondFactor(
  post: Post,
  token: string,
  email: string,
): Promise<SignedIn & { secret: string; recoveryCodes: string[] }> {
  const started = expectStatus(
    await post('/api/v1/me/second-factor', {}, token),
    201,
    `start enrolling ${email}`,
  );
  const secret = started.secret as string;
  rememberSecondFactor(email, secret);
  const confirmed = expectStatus(
    await post(
      '/api/v1/me/second-factor/confirm',
      { code: await unusedCode(email, secret) },
      token,
    ),
    200,
    `confirm the second factor of ${email}`,
  ) as unknown as SignedIn;
  return { ...confirmed, secret, recoveryCodes: started.recoveryCodes as string[] };
}

function expectStatus(answer: Answer, status: number, what: string): Record<string, unknown> {
  if (answer.status !== status) {
    throw new Error(`Could not ${what}: ${answer.status} ${JSON.stringify(answer.body)}`);
  }
  return answer.body;
}
