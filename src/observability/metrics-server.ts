import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { StartupError } from '../service-process/startup-checks';
import { MetricsService } from './metrics.service';

// METRICS_PORT: a plain HTTP server of its own answering GET /metrics, in every process role
// (the worker has no other HTTP server). It listens on METRICS_HOST, loopback by default, and
// asks for no token: whoever can reach the port may scrape.
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(MetricsServer.name);
  private server?: Server;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { port, host } = this.config.metrics;
    if (port === undefined) {
      return;
    }
    const server = createServer((request, response) => {
      const path = (request.url ?? '').split('?')[0];
      if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found: GET /metrics\n');
        return;
      }
      this.metrics.scrape().then(
        (text) => response.writeHead(200, { 'content-type': this.metrics.contentType }).end(text),
        (error: unknown) => {
          this.logger.error(`Metrics scrape failed: ${String(error)}`);
          response.writeHead(500, { 'content-type': 'text/plain' }).end('Scrape failed\n');
        },
      );
    });
    // A port already taken stops the start, naming the setting.
    await new Promise<void>((resolve, reject) => {
      const refuse = (error: Error) =>
        reject(new StartupError(`METRICS_PORT ${port} on METRICS_HOST ${host}: ${error.message}`));
      server.once('error', refuse);
      server.listen(port, host, () => {
        server.off('error', refuse);
        resolve();
      });
    });
    this.server = server;
    this.logger.log(`Metrics on http://${host}:${(server.address() as AddressInfo).port}/metrics`);
  }

  async onModuleDestroy(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }
}
