import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { Organisation } from './organisation.entity';
import { OrganisationsController } from './organisations.controller';
import { OrganisationsService } from './organisations.service';
import { OrganisationStore } from './organisation-store';
import { PoliceForceArea } from './police-force-area.entity';

@Module({
  imports: [TypeOrmModule.forFeature([Organisation, PoliceForceArea]), AuditModule],
  controllers: [OrganisationsController],
  providers: [OrganisationsService, OrganisationStore],
  exports: [OrganisationsService],
})
export class OrganisationsModule {}
