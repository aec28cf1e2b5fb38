import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ClientBase } from 'pg';
import { DataSource, type QueryRunner } from 'typeorm';
import { formatLondonZoned, londonFileStamp } from '../common/london-time';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { OutboxService } from '../notifications/outbox.service';
import { MetricsService } from '../observability/metrics.service';
import { FileStore } from '../files/file-store';
import { UsersService } from '../users/users.service';
import { ExportStore } from './export-store';
import {
  exportFileKey,
  isOpenExport,
  OPEN_EXPORT_STATUSES,
  ReportExport,
} from './report-export.entity';
import { CONTENT_TYPES, type SpendExport } from './spend-export';
import { writeSpendCsvCopy } from './spend-csv-copy';
import { spendCsvCopy } from './spend-csv.sql';
import { writeSpendXlsxCopy } from './spend-xlsx-copy';
import { SpendReportTemplates } from './spend-html';
import { COPY_SETTINGS, EXPORT_SETTINGS } from './spend-summary.sql';
import { SpendSummaryService } from './spend-summary.service';
import { pageUrl } from '../notifications/portal-links';

const FORMAT_NAMES = { csv: 'CSV', xlsx: 'Excel', html: 'HTML report' } as const;
// Exports hold every award's money: only the service's own user may read the scratch file (in a
// folder of its own, which mkdtemp makes readable by this user alone).
const FILE_MODE = 0o600;

// Builds an export's file in the worker: one REPEATABLE READ snapshot; for CSV and Excel every
// line of the file (a workbook's table rows) written by PostgreSQL with COPY, once, in the
// file's order (for the HTML report the totals, then the awards from a cursor); progress written
// as it goes. The writers take a path,
// so the file is written to a scratch folder in the worker's temporary directory, streamed into
// the file store when whole (so an API on another machine can serve it) and removed, also when
// the build fails; then the requester is emailed a link.
@Injectable()
export class ExportBuilderService {
  private readonly logger = new Logger(ExportBuilderService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly summaries: SpendSummaryService,
    private readonly templates: SpendReportTemplates,
    private readonly users: UsersService,
    private readonly outbox: OutboxService,
    private readonly files: FileStore,
    private readonly store: ExportStore,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  // `stop` (the process is stopping) ends the build where it is, with an error: the query it
  // waits on is cancelled and the next line is not written. The export stays `running` for the
  // worker that takes the job up again. The round built, if one was.
  async build(
    exportId: string,
    report: (percent: number) => Promise<void>,
    stop?: AbortSignal,
  ): Promise<{ roundId: string } | undefined> {
    const row = await this.store.find(this.dataSource.manager, exportId);
    // Only an open export is built: a done one is kept, and a failed one stays failed (its
    // requester was told to ask again, e.g. when its job reached Redis too late).
    if (!row || !isOpenExport(row.status)) {
      return undefined;
    }
    await this.metrics.timeExportBuild(row.format, () => this.buildFile(row, report, stop));
    return { roundId: row.roundId };
  }

  private async buildFile(
    row: ReportExport,
    report: (percent: number) => Promise<void>,
    stop?: AbortSignal,
  ): Promise<void> {
    const exportId = row.id;
    await this.store.markRunning(this.dataSource.manager, exportId);
    const { roundCode, roundName, sizeBytes } = await this.storeFile(row, report, stop);
    await this.dataSource.transaction(async (manager) => {
      await this.store.markDone(manager, exportId, {
        fileName: `spend-summary-${roundCode}-${londonFileStamp(row.asAt)}.${row.format}`,
        sizeBytes: String(sizeBytes),
        finishedAt: new Date(),
      });
      const requester = await this.users.nameOf(row.requestedBy, manager);
      if (requester) {
        await this.outbox.queue(manager, {
          template: 'export-ready',
          to: requester.email,
          dedupeKey: `export:${exportId}:ready`,
          about: { type: 'report_export', id: exportId },
          data: {
            formatName: FORMAT_NAMES[row.format],
            roundCode,
            roundName,
            asAt: row.asAt.toISOString(),
            downloadUrl: pageUrl(this.config.portal, 'exportDownload', { id: exportId }),
          },
        });
      }
    });
    await report(100);
  }

  // The export's file written to a scratch folder, then put into the store under its key;
  // the scratch folder is removed either way.
  private async storeFile(
    row: ReportExport,
    report: (percent: number) => Promise<void>,
    stop?: AbortSignal,
  ): Promise<{ roundCode: string; roundName: string; sizeBytes: number }> {
    const scratch = await mkdtemp(join(tmpdir(), `ssg-export-${row.id}-`));
    try {
      const part = join(scratch, `${row.id}.${row.format}`);
      const round = await this.write(row, part, report, stop);
      const { sizeBytes } = await this.files.putFile(
        exportFileKey(row),
        part,
        CONTENT_TYPES[row.format],
      );
      return { ...round, sizeBytes };
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  // The export's file written whole at `part`, from one snapshot of the round.
  private async write(
    row: ReportExport,
    part: string,
    report: (percent: number) => Promise<void>,
    stop?: AbortSignal,
  ): Promise<{ roundCode: string; roundName: string }> {
    // Created empty and readable by this user alone before any figure is written; the writers
    // truncate it, which keeps its mode.
    await writeFile(part, '', { mode: FILE_MODE, flag: 'wx' });
    const exportId = row.id;
    return this.onOwnConnection(stop, async (runner) => {
      await runner.startTransaction('REPEATABLE READ');
      try {
        const [round] = await runner.manager.query<{ code: string; name: string }[]>(
          'SELECT code, name FROM funding_rounds WHERE id = $1',
          [row.roundId],
        );
        await runner.query(row.format === 'html' ? EXPORT_SETTINGS : COPY_SETTINGS);
        // Progress: `done` of `steps`, recorded (and reported on the job) every 5%.
        let steps = 1;
        let reported = 0;
        const progress = (done: number): Promise<void> | undefined => {
          stop?.throwIfAborted();
          const percent = Math.min(99, Math.floor((done * 100) / steps));
          if (percent < reported + 5) {
            return undefined;
          }
          reported = percent;
          return this.dataSource.manager
            .update(ReportExport, { id: exportId }, { progress: percent })
            .then(() => report(percent));
        };
        const moment = { round, asAt: row.asAt, asAtLondon: formatLondonZoned(row.asAt) };
        if (row.format === 'html') {
          const totals = await this.summaries.totals(runner.manager, row.roundId, row.asAt);
          steps = Math.max(1, totals.round.awards);
          let done = 0;
          const data: SpendExport = {
            ...moment,
            totals,
            quarterTotals: await this.summaries.quarterTotals(
              runner.manager,
              row.roundId,
              row.asAt,
            ),
            awards: () => this.summaries.streamAwards(runner, row.roundId, row.asAt),
            tick: async () => {
              done += 1;
              await progress(done);
            },
          };
          await this.templates.write(part, data);
        } else {
          // Until the lines are counted, the progress reads 0%.
          steps = Number.POSITIVE_INFINITY;
          const counting = this.countLines(row, stop, (lines) => {
            steps = Math.max(1, lines);
          });
          try {
            // PostgreSQL writes the lines (the CSV's, the workbook's rows) itself; Node only puts
            // them in the file.
            const client = (await runner.connect()) as ClientBase;
            if (row.format === 'csv') {
              await writeSpendCsvCopy(part, client, spendCsvCopy(row.roundId, row.asAt), progress);
            } else {
              await writeSpendXlsxCopy(part, client, {
                roundId: row.roundId,
                round,
                asAt: row.asAt,
                tick: progress,
              });
            }
          } finally {
            await counting.end();
          }
        }
        await runner.commitTransaction();
        return { roundCode: round.code, roundName: round.name };
      } catch (error) {
        if (runner.isTransactionActive) {
          await runner.rollbackTransaction();
        }
        throw error;
      }
    });
  }

  // The export's lines counted for its progress alone, beside it on a connection of their own (a
  // third of a second for a million-line round), `counted` told the count. The count is cancelled
  // when the process stops and at `end` (once the file is written it is no use), so it never
  // outlives the build; `end` resolves once it has stopped.
  private countLines(
    row: ReportExport,
    stop: AbortSignal | undefined,
    counted: (lines: number) => void,
  ): { end: () => Promise<void> } {
    const ended = new AbortController();
    const signal = stop ? AbortSignal.any([stop, ended.signal]) : ended.signal;
    const done = this.onOwnConnection(signal, (counter) =>
      this.summaries.exportSize(counter.manager, row.roundId, row.asAt),
    ).then(counted, (error: unknown) => {
      if (!signal.aborted) {
        this.logger.warn(`Export ${row.id}: its lines were not counted: ${String(error)}`);
      }
    });
    return {
      end: async () => {
        ended.abort();
        await done;
      },
    };
  }

  // `work` on a connection of its own, whose query is cancelled when `stop` fires: a query
  // waiting on a lock or still scanning would not notice the signal by itself. The connection
  // goes back to the pool only once a cancel sent to it has been answered, so a late cancel
  // cannot reach the connection's next user.
  private async onOwnConnection<T>(
    stop: AbortSignal | undefined,
    work: (runner: QueryRunner) => Promise<T>,
  ): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    let cancel: (() => void) | undefined;
    let cancelling: Promise<unknown> | undefined;
    try {
      await runner.connect();
      const [{ pid }] = (await runner.query('SELECT pg_backend_pid() AS pid')) as { pid: number }[];
      cancel = () => {
        cancelling = this.dataSource
          .query('SELECT pg_cancel_backend($1)', [pid])
          .catch((error: unknown) => this.logger.warn(`Cancelling export query: ${String(error)}`));
      };
      stop?.addEventListener('abort', cancel, { once: true });
      stop?.throwIfAborted();
      return await work(runner);
    } finally {
      if (cancel) {
        stop?.removeEventListener('abort', cancel);
      }
      await cancelling;
      await runner.release();
    }
  }

  // The export could not be built: said plainly to its requester (the detail goes to the log),
  // never over one already done.
  async fail(exportId: string, reason: string): Promise<void> {
    this.logger.error(`Export ${exportId} failed: ${reason}`);
    await this.store.markFailed(
      this.dataSource.manager,
      exportId,
      `The export could not be built (reference ${exportId}).`,
      OPEN_EXPORT_STATUSES,
    );
  }
}
