import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, In, LessThan } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ReportExport } from './report-export.entity';

const DAY_MS = 86_400_000;
const BATCH = 500;
// An export's file left half-written by a build that was killed; besides the files of expired
// exports, nothing else in the folder is touched.
const LEFTOVER = /^[0-9a-f-]{36}\.(csv|xlsx|html)\.part$/;

// Exports are kept EXPORT_RETENTION_DAYS after they are built, then their files are deleted and
// their rows read `expired` (a download then answers 410). Files first, then rows: a sweep
// stopped between the two leaves rows that the next sweep finds again, so running it twice, or
// after a crash, is harmless.
@Injectable()
export class ExportRetentionService {
  private readonly logger = new Logger(ExportRetentionService.name);

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async sweep(now = new Date()): Promise<{ expired: number; leftoversRemoved: number }> {
    const cutoff = new Date(now.getTime() - this.config.exportLimits.retentionDays * DAY_MS);
    let expired = 0;
    for (;;) {
      const rows = await this.dataSource.manager.find(ReportExport, {
        select: { id: true, format: true },
        where: { status: 'done', finishedAt: LessThan(cutoff) },
        order: { finishedAt: 'ASC' },
        take: BATCH,
      });
      if (rows.length === 0) {
        break;
      }
      for (const row of rows) {
        await rm(join(this.config.exportsDir, `${row.id}.${row.format}`), { force: true });
      }
      const marked = await this.dataSource.manager.update(
        ReportExport,
        { id: In(rows.map((row) => row.id)), status: 'done' },
        { status: 'expired', expiredAt: now },
      );
      expired += marked.affected ?? 0;
    }
    const leftoversRemoved = await this.removeLeftovers(cutoff);
    if (expired + leftoversRemoved > 0) {
      this.logger.log(`Expired ${expired} export(s); removed ${leftoversRemoved} leftover file(s)`);
    }
    return { expired, leftoversRemoved };
  }

  // Half-written files of builds killed mid-way, older than the retention period.
  private async removeLeftovers(cutoff: Date): Promise<number> {
    const names = await readdir(this.config.exportsDir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') {
        return [];
      }
      throw error;
    });
    let removed = 0;
    for (const name of names.filter((file) => LEFTOVER.test(file))) {
      const file = join(this.config.exportsDir, name);
      // Gone meanwhile (its build finished and renamed it): nothing to do.
      const found = await stat(file).catch(() => null);
      if (found && found.mtime < cutoff) {
        await rm(file, { force: true });
        removed += 1;
      }
    }
    return removed;
  }
}
