import { DataSource } from 'typeorm';
import { loadConfig } from '../config/load-config';
import { dataSourceOptions } from './data-source-options';

// The TypeORM CLI's entry (migration:generate/run/revert); the app builds its own from the same options.
export default new DataSource(dataSourceOptions(loadConfig().databaseUrl));
