import { chmod, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { formatLondon } from '../common/london-time';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { OutboxService } from '../notifications/outbox.service';
import { UsersService } from '../users/users.service';
import { ReportExport } from './report-export.entity';
import type { SpendExport, SpendLines } from './spend-export';
import { writeSpendCsv } from './spend-csv';
import { SpendReportTemplates } from './spend-html';
import { EXPORT_SETTINGS } from './spend-summary.sql';
import { SpendSummaryService } from './spend-summary.service';
import { writeSpendXlsx } from './spend-xlsx';
import { pageUrl } from '../notifications/portal-links';

const FORMAT_NAMES = { csv: 'CSV', xlsx: 'Excel', html: 'HTML report' } as const;
// Exports hold every award's money: only the service's own user may read them.
const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

async function ensureExportsDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: DIR_MODE });
  await chmod(dir, DIR_MODE);
}

// Builds an export's file in the worker: one REPEATABLE READ snapshot; for CSV and Excel every
// line of the file streamed from a cursor once, in the file's order (for the HTML report the
// totals, then the awards from a cursor); progress written as it goes, the file written beside
// its final name and renamed when whole, then the requester emailed a link.
@Injectable()
export class ExportBuilder {
  private readonly logger = new Logger(ExportBuilder.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly summaries: SpendSummaryService,
    private readonly templates: SpendReportTemplates,
    private readonly users: UsersService,
    private readonly outbox: OutboxService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  filePath(row: Pick<ReportExport, 'id' | 'format'>): string {
    return join(this.config.exportsDir, `${row.id}.${row.format}`);
  }

  async build(exportId: string, report: (percent: number) => Promise<void>): Promise<void> {
    const row = await this.dataSource.manager.findOneBy(ReportExport, { id: exportId });
    if (!row || row.status === 'done') {
      return;
    }
    await this.dataSource.manager.update(
      ReportExport,
      { id: exportId },
      { status: 'running', progress: 0, error: null },
    );
    const target = this.filePath(row);
    const part = `${target}.part`;
    await ensureExportsDir(this.config.exportsDir);
    // Created empty and readable by this user alone before any figure is written; the writers
    // truncate it, which keeps its mode, and the rename keeps it too.
    await rm(part, { force: true });
    await writeFile(part, '', { mode: FILE_MODE, flag: 'wx' });
    const runner = this.dataSource.createQueryRunner();
    let roundCode = '';
    let roundName = '';
    try {
      await runner.connect();
      await runner.startTransaction('REPEATABLE READ');
      const [round] = await runner.manager.query<{ code: string; name: string }[]>(
        'SELECT code, name FROM funding_rounds WHERE id = $1',
        [row.roundId],
      );
      ({ code: roundCode, name: roundName } = round);
      await runner.query(EXPORT_SETTINGS);
      // Progress: `done` of `steps`, recorded (and reported on the job) every 5%.
      let steps = 1;
      let reported = 0;
      const progress = (done: number): Promise<void> | undefined => {
        const percent = Math.min(99, Math.floor((done * 100) / steps));
        if (percent < reported + 5) {
          return undefined;
        }
        reported = percent;
        return this.dataSource.manager
          .update(ReportExport, { id: exportId }, { progress: percent })
          .then(() => report(percent));
      };
      const moment = { round, asAt: row.asAt, asAtLondon: formatLondon(row.asAt) };
      if (row.format === 'html') {
        const totals = await this.summaries.totals(runner.manager, row.roundId, row.asAt);
        steps = Math.max(1, totals.round.awards);
        let done = 0;
        const data: SpendExport = {
          ...moment,
          totals,
          quarterTotals: await this.summaries.quarterTotals(runner.manager, row.roundId, row.asAt),
          awards: () => this.summaries.streamAwards(runner, row.roundId, row.asAt),
          tick: async () => {
            done += 1;
            await progress(done);
          },
        };
        await this.templates.write(part, data);
      } else {
        steps = Math.max(1, await this.summaries.exportSize(runner.manager, row.roundId, row.asAt));
        const data: SpendLines = {
          ...moment,
          lines: await this.summaries.exportLines(runner, row.roundId, row.asAt, row.format),
          tick: progress,
        };
        await (row.format === 'csv' ? writeSpendCsv(part, data) : writeSpendXlsx(part, data));
      }
      await rename(part, target);
      await runner.commitTransaction();
    } catch (error) {
      if (runner.isTransactionActive) {
        await runner.rollbackTransaction();
      }
      await rm(part, { force: true });
      throw error;
    } finally {
      await runner.release();
    }
    const { size } = await stat(target);
    await this.dataSource.transaction(async (manager) => {
      await manager.update(
        ReportExport,
        { id: exportId },
        {
          status: 'done',
          progress: 100,
          fileName: `spend-summary-${roundCode}-${row.asAt.toISOString().slice(0, 16).replace(':', '')}.${row.format}`,
          sizeBytes: String(size),
          finishedAt: new Date(),
        },
      );
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

  // The export could not be built: said plainly to its requester (the detail goes to the log),
  // never over one already done.
  async fail(exportId: string, reason: string): Promise<void> {
    this.logger.error(`Export ${exportId} failed: ${reason}`);
    await this.dataSource.manager.update(
      ReportExport,
      { id: exportId, status: In(['queued', 'running']) },
      { status: 'failed', error: `The export could not be built (reference ${exportId}).` },
    );
  }
}
