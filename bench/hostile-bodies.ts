// The body that froze the API (issue 19): the benchmark sends it, the tests and the fuzzer too.

// `{"aaa":0,"aab":0,...}`: `count` distinct keys of three characters, about 8 bytes each, so
// 128,000 of them fit in 1 MiB.
export function manyKeys(count: number, value = '0'): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const keys: string[] = [];
  for (let i = 0; i < count; i++) {
    const key =
      alphabet[Math.floor(i / 3844) % 62] + alphabet[Math.floor(i / 62) % 62] + alphabet[i % 62];
    keys.push(`"${key}":${value}`);
  }
  return `{${keys.join(',')}}`;
}
