import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';

// pg's pool behind TypeORM's Postgres driver, which keeps it as `master` and types it `any`: the
// one place that reaches for it. Undefined until the data source has connected.
export function driverPool(dataSource: DataSource): Pool | undefined {
  return (dataSource.driver as unknown as { master?: Pool }).master;
}
