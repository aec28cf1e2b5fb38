import { loadConfig } from '../config/load-config';
import { PasswordHasher } from './password-hasher';

describe('PasswordHasher', () => {
  const hasherAt = (env: Record<string, string>) =>
    new PasswordHasher(loadConfig({ NODE_ENV: 'development', ...env }));

  it('hashes with argon2id at the configured cost, and verifies a hash made at another cost', async () => {
    const cheap = hasherAt({
      PASSWORD_HASH_MEMORY_KIB: '19456',
      PASSWORD_HASH_PASSES: '2',
      PASSWORD_HASH_LANES: '1',
    });
    const hash = await cheap.hash('Correct-Horse-Battery-9');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    const standard = hasherAt({});
    await expect(standard.verify(hash, 'Correct-Horse-Battery-9')).resolves.toBe(true);
    await expect(standard.verify(hash, 'correct-horse-battery-9')).resolves.toBe(false);
    expect(await standard.hash('Correct-Horse-Battery-9')).toMatch(/\$m=65536,p=4,t=3\$/);
  });

  it('answers false, not an error, for a stored value that is no hash', async () => {
    await expect(hasherAt({}).verify('not-a-hash', 'anything')).resolves.toBe(false);
  });
});
