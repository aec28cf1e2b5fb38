import type { paths } from './schema';

// The API requires If-Match on changes to versioned resources; this client sends the ETag it last
// saw by itself (see VersionTags), so to its callers the header is optional. These types are the
// generated paths with that one header made optional, and every other parameter unchanged.
type RequiredKeys<T> = { [K in keyof T]-?: undefined extends T[K] ? never : K }[keyof T];

type WithOptionalIfMatch<H> = Omit<H, 'If-Match'> & { 'If-Match'?: string };

type HeaderParameters<H> = [RequiredKeys<Omit<H, 'If-Match'>>] extends [never]
  ? { header?: WithOptionalIfMatch<H> }
  : { header: WithOptionalIfMatch<H> };

type Relaxed<Operation> = Operation extends { parameters: infer Parameters }
  ? Parameters extends { header: infer H }
    ? 'If-Match' extends keyof H
      ? Omit<Operation, 'parameters'> & {
          parameters: Omit<Parameters, 'header'> & HeaderParameters<H>;
        }
      : Operation
    : Operation
  : Operation;

export type ClientPaths = {
  [Path in keyof paths]: { [Method in keyof paths[Path]]: Relaxed<paths[Path][Method]> };
};
