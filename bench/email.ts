import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createTransport } from 'nodemailer';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../src/config/app-config';
import { ConfigModule } from '../src/config/config.module';
import { DatabaseModule } from '../src/database/database.module';
import { EmailTemplates } from '../src/notifications/email-templates';
import { NotificationsModule } from '../src/notifications/notifications.module';
import { EmailMessage, OutboxService } from '../src/notifications/outbox.service';
import { recordResult, round2 } from './results';
import { Child, nextMessage, startChild, waitForOutput } from './children';
import { benchConfig, benchEnv, cleanUp, envNumber, freshDatabase, log, runMain } from './support';

// BENCH_MAILS (5,000) emails, two ways, to the same SMTP sink in a process of its own that
// counts them by Message-ID (smtp-sink.ts):
// - ours: queued with the app's OutboxService in one transaction, then relayed by the worker's
//   outbox relay onto the BullMQ email queue, rendered with Handlebars and sent over pooled SMTP
//   by the worker role (dist/src/main.js, PROCESS_ROLE=worker, with the configured
//   EMAIL_CONCURRENCY and OUTBOX_RELAY_INTERVAL_MS), timed from the commit of the rows to the
//   sink holding every Message-ID (the time to write the rows is printed apart);
// - baseline: the same emails rendered beforehand, sent straight to the sink by a nodemailer
//   transport pooled to the same number of connections.
// Both first send WARMUP mails that are not counted. lost = mails - distinct Message-IDs
// received; duplicated = received - distinct.
const MAILS = envNumber('BENCH_MAILS', 5_000);
const WARMUP = Math.min(envNumber('BENCH_EMAIL_WARMUP', 200), MAILS);
// Give up waiting for the last mails after this long (they then count as lost).
const TIMEOUT_MS = envNumber('BENCH_EMAIL_TIMEOUT_SECONDS', 300) * 1000;

interface Counts {
  received: number;
  unique: number;
  withoutId: number;
}

function messages(kind: string, count: number): EmailMessage[] {
  return Array.from({ length: count }, (_, i) => {
    const n = i + 1;
    return {
      template: 'return-due-reminder',
      to: [`bidder-${n % 97}@bench.example`, `finance-${n % 13}@bench.example`],
      data: {
        organisationName: `Benchmark council ${n % 97}`,
        reference: `BENCH-${String(n).padStart(6, '0')}`,
        title: `Safer alleys, phase ${n}`,
        financialYear: '2026/27',
        quarter: 1 + (n % 4),
        dueOn: '2026-07-30',
        daysLeft: 14,
        returnUrl: `http://localhost:3000/returns/${n}`,
      },
      dedupeKey: `bench:${kind}:${n}`,
    };
  });
}

class Sink {
  constructor(readonly child: Child) {}

  async start(): Promise<string> {
    const { port } = await nextMessage<{ port?: number }>(this.child, (m) => 'port' in m);
    return `smtp://127.0.0.1:${port}`;
  }

  // Clears the counts; resolves with Date.now() in the sink when `expect` distinct ids are in.
  expect(expect: number, timeoutMs: number): Promise<number | null> {
    const reached = nextMessage<{ reached?: number; at?: number }>(
      this.child,
      (m) => m.reached === expect,
    ).then((m) => m.at as number);
    this.child.process.send({ reset: true, expect });
    return Promise.race([
      reached,
      new Promise<null>((resolve) => setTimeout(() => resolve(null), timeoutMs).unref()),
    ]);
  }

  async counts(): Promise<Counts> {
    const answer = nextMessage<Partial<Counts>>(this.child, (m) => 'received' in m);
    this.child.process.send({ report: true });
    return (await answer) as Counts;
  }
}

async function baseline(
  config: AppConfig,
  sink: Sink,
  smtpUrl: string,
  templates: EmailTemplates,
): Promise<{ seconds: number; counts: Counts }> {
  const domain = /@([^@>\s]+)>?\s*$/.exec(config.mail.from)?.[1] ?? 'bench.localhost';
  const transporter = createTransport({
    url: smtpUrl,
    pool: true,
    maxConnections: config.mail.concurrency,
  });
  const send = async (list: EmailMessage[], kind: string) => {
    // Rendered before the clock starts: the baseline only sends.
    const rendered = list.map((message) => templates.render(message.template, message.data));
    const reached = sink.expect(list.length, TIMEOUT_MS);
    const started = Date.now();
    await Promise.all(
      list.map((message, i) =>
        transporter.sendMail({
          from: config.mail.from,
          to: message.to,
          messageId: `<${kind}-${i + 1}@${domain}>`,
          ...rendered[i],
        }),
      ),
    );
    return ((await reached) ?? Date.now()) - started;
  };
  try {
    await send(messages('baseline-warmup', WARMUP), 'baseline-warmup');
    const ms = await send(messages('baseline', MAILS), 'baseline');
    return { seconds: ms / 1000, counts: await sink.counts() };
  } finally {
    transporter.close();
  }
}

async function ours(
  db: DataSource,
  outbox: OutboxService,
  sink: Sink,
): Promise<{ seconds: number; counts: Counts }> {
  const run = async (kind: string, count: number) => {
    const list = messages(kind, count);
    const reached = sink.expect(count, TIMEOUT_MS);
    const queueing = Date.now();
    // One transaction, so the relay sees all of them at once, at the commit, when the clock
    // starts: what is timed is the way out (relay, queue, worker, template, SMTP), not the
    // writing of the rows, which the app does inside the transactions of the changes the emails
    // are about.
    await db.transaction(async (manager) => {
      for (const message of list) {
        await outbox.queue(manager, message);
      }
    });
    const started = Date.now();
    // BENCH_VERBOSE=1: mails at the sink and outbox rows by status, every second.
    const progress = process.env.BENCH_VERBOSE
      ? setInterval(() => {
          void Promise.all([
            sink.counts(),
            db.query(`SELECT status, count(*)::int AS n FROM email_outbox GROUP BY 1`),
          ]).then(([counts, rows]) =>
            log(
              `  +${((Date.now() - started) / 1000).toFixed(1)} s: ${counts.unique} at the sink, outbox ${JSON.stringify(rows)}`,
            ),
          );
        }, 1000)
      : undefined;
    const at = await reached;
    clearInterval(progress);
    return {
      ms: (at ?? Date.now()) - started,
      queuedMs: started - queueing,
      complete: at !== null,
    };
  };
  const warm = await run('ours-warmup', WARMUP);
  if (!warm.complete) {
    throw new Error('The worker did not deliver the warm-up mails; is it sending?');
  }
  const { ms, queuedMs } = await run('ours', MAILS);
  log(
    `email: ours wrote the ${MAILS} outbox rows in ${(queuedMs / 1000).toFixed(2)} s (not timed)`,
  );
  // Anything still to arrive (a second copy of a mail) would arrive by the time every row is
  // settled and the relay has had a tick to sweep.
  const deadline = Date.now() + 30_000;
  for (;;) {
    const [{ open }] = await db.query<{ open: number }[]>(
      `SELECT count(*)::int AS open FROM email_outbox WHERE status IN ('pending', 'sending')`,
    );
    if (open === 0 || Date.now() > deadline) {
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  return { seconds: ms / 1000, counts: await sink.counts() };
}

async function main(): Promise<void> {
  const config = benchConfig('email');
  log(`email: preparing ${new URL(config.databaseUrl).pathname.slice(1)}`);
  await freshDatabase(config, false);
  const mailDir = mkdtempSync(join(tmpdir(), 'ssg-bench-mail-'));
  const children: Child[] = [];
  try {
    const sinkChild = startChild('smtp sink', join(__dirname, 'smtp-sink.js'), process.env);
    children.push(sinkChild);
    const sink = new Sink(sinkChild);
    const smtpUrl = await sink.start();
    const mailConfig = { ...config, mail: { ...config.mail, smtpUrl } };

    @Module({ imports: [ConfigModule.forRoot(mailConfig), DatabaseModule, NotificationsModule] })
    class QueueingModule {}
    const context = await NestFactory.createApplicationContext(QueueingModule, {
      logger: ['error'],
    });
    try {
      const base = await baseline(mailConfig, sink, smtpUrl, context.get(EmailTemplates));
      log(`email: baseline ${base.seconds.toFixed(2)} s ${JSON.stringify(base.counts)}`);

      const worker = startChild(
        'worker',
        join(__dirname, '..', 'src', 'main.js'),
        benchEnv(config, { PROCESS_ROLE: 'worker', SMTP_URL: smtpUrl, MAIL_DIR: mailDir }),
      );
      children.push(worker);
      await waitForOutput(worker, /Worker started/);
      const our = await ours(context.get(DataSource), context.get(OutboxService), sink);
      log(`email: ours ${our.seconds.toFixed(2)} s ${JSON.stringify(our.counts)}`);

      const oursPerSecond = our.counts.unique / our.seconds;
      const baselinePerSecond = base.counts.unique / base.seconds;
      recordResult('email', {
        mails: MAILS,
        ours_per_s: round2(oursPerSecond),
        baseline_per_s: round2(baselinePerSecond),
        ratio: round2(oursPerSecond / baselinePerSecond),
        lost: MAILS - our.counts.unique,
        duplicated: our.counts.received - our.counts.unique,
      });
    } finally {
      await context.close();
    }
  } finally {
    for (const child of children.reverse()) {
      await child.stop();
    }
    rmSync(mailDir, { recursive: true, force: true });
    await cleanUp(config);
  }
}

runMain(main);
