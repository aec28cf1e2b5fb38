import { Module } from '@nestjs/common';
import { AuditModule } from '../../audit/audit.module';
import { UsersModule } from '../../users/users.module';
import { AuthModule } from '../auth.module';
import { SsoController } from './sso.controller';
import { SsoProvider } from './sso-provider';
import { SsoService } from './sso.service';
import { SsoStateStore } from './sso-state-store';

// Staff single sign-on; its routes answer 404 sso-not-configured unless OIDC_* are set.
@Module({
  imports: [AuthModule, UsersModule, AuditModule],
  controllers: [SsoController],
  providers: [SsoService, SsoProvider, SsoStateStore],
})
export class SsoModule {}
