import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { FileStore } from '../files/file-store';
import { ExportStore } from './export-store';
import { EXPORT_FILES_PREFIX, exportFileKey } from './report-export.entity';

const DAY_MS = 86_400_000;
const BATCH = 500;
// An export's file, by its key: `exports/<id>.<format>`. Nothing else under the prefix is touched.
const EXPORT_FILE = /^exports\/([0-9a-f-]{36})\.(csv|xlsx|html)$/;

// Exports are kept EXPORT_RETENTION_DAYS after they are built, then their files are deleted and
// their rows read `expired` (a download then answers 410). Files first, then rows: a sweep
// stopped between the two leaves rows that the next sweep finds again, so running it twice, or
// after a crash, is harmless.
@Injectable()
export class ExportRetentionService {
  private readonly logger = new Logger(ExportRetentionService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly files: FileStore,
    private readonly store: ExportStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async sweep(now = new Date()): Promise<{ expired: number; leftoversRemoved: number }> {
    const cutoff = new Date(now.getTime() - this.config.exportLimits.retentionDays * DAY_MS);
    let expired = 0;
    for (;;) {
      const rows = await this.store.doneBefore(this.dataSource.manager, cutoff, BATCH);
      if (rows.length === 0) {
        break;
      }
      for (const row of rows) {
        await this.files.remove(exportFileKey(row));
      }
      expired += await this.store.markExpired(
        this.dataSource.manager,
        rows.map((row) => row.id),
        now,
      );
    }
    const leftoversRemoved = await this.removeLeftovers(cutoff);
    if (expired + leftoversRemoved > 0) {
      this.logger.log(`Expired ${expired} export(s); removed ${leftoversRemoved} leftover file(s)`);
    }
    return { expired, leftoversRemoved };
  }

  // Files older than the retention period that no done export owns: stored by a build whose
  // export then failed, or was never marked done, or whose row is gone.
  private async removeLeftovers(cutoff: Date): Promise<number> {
    const old = new Map<string, string>();
    for await (const file of this.files.list(EXPORT_FILES_PREFIX)) {
      const id = EXPORT_FILE.exec(file.key)?.[1];
      if (id && file.modifiedAt < cutoff) {
        old.set(file.key, id);
      }
    }
    if (old.size === 0) {
      return 0;
    }
    const kept = new Set<string>();
    const ids = [...new Set(old.values())];
    for (let start = 0; start < ids.length; start += BATCH) {
      const rows = await this.store.doneAmong(
        this.dataSource.manager,
        ids.slice(start, start + BATCH),
      );
      rows.forEach((row) => kept.add(exportFileKey(row)));
    }
    let removed = 0;
    for (const key of old.keys()) {
      if (!kept.has(key)) {
        await this.files.remove(key);
        removed += 1;
      }
    }
    return removed;
  }
}
