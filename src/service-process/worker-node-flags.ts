// The Node flags a worker process (PROCESS_ROLE=worker) is started with: compose.yaml's worker
// command, the README's operations section and the exports benchmark's worker all use these, and
// worker-node-flags.spec.ts checks that compose.yaml and the README still say so.
//
// --max-semi-space-size=8: V8's young generation at most 2 × 8 MB. Node 24 lets it grow to
// 2 × 64 MB on a 64-bit machine once many objects survive a collection, as at start-up and while
// an export streams; every page of it is then touched, so it stays resident. Measured on a
// 1,000,000-line export (December 2026): CSV peak 213 → 164 MB, workbook 364 → 211 MB, the idle
// worker 187 → 158 MB, with the jobs no slower. The API keeps Node's default: its throughput was
// not measured with the flag.
export const WORKER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=8'];
