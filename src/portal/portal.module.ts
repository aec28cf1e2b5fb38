import { Module } from '@nestjs/common';
import { PortalSessions } from './portal-sessions';

// The portal's server side: its sessions. Its pages are Fastify routes (portal-http.ts) that get
// everything else through the API.
@Module({
  providers: [PortalSessions],
  exports: [PortalSessions],
})
export class PortalModule {}
