import { manyKeys } from './hostile-bodies';

// A child of the body-shape benchmark: BENCH_ATTACKERS clients each sending the hostile body in a
// loop, alternately to the sign-in and to a signed-in route, until stopped. Its own process, so
// building and sending 1 MiB bodies does not slow the process that measures /health. Tells the
// parent how many it has sent, once a second.
const base = process.env.ATTACK_BASE_URL ?? '';
const token = process.env.ATTACK_TOKEN ?? '';
const clients = Number(process.env.BENCH_ATTACKERS ?? '4');
const hostile = manyKeys(128_000);
let sent = 0;

async function attack(client: number): Promise<never> {
  for (let i = client; ; i++) {
    const login = i % 2 === 0;
    try {
      const response = await fetch(`${base}/api/v1/${login ? 'auth/login' : 'organisations'}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(login ? {} : { authorization: `Bearer ${token}` }),
        },
        body: hostile,
      });
      await response.arrayBuffer();
    } catch {
      // The server may close the connection after answering 413 before it has read the body.
    }
    sent++;
  }
}

setInterval(() => process.send?.({ sent }), 1_000);
for (let client = 0; client < clients; client++) {
  void attack(client);
}
