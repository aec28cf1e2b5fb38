import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../common/access';
import { ProblemDto } from '../common/problem.dto';
import { AuditEventPageDto, AuditQuery } from './audit.dto';
import { AuditService } from './audit.service';

@ApiTags('audit')
@Controller('audit-events')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: 'Read the audit trail, oldest first, filtered by object' })
  @ApiOkResponse({ type: AuditEventPageDto })
  @ApiBadRequestResponse({ type: ProblemDto })
  list(@Query() query: AuditQuery): Promise<AuditEventPageDto> {
    return this.audit.findForObject(query, query.limit, query.offset);
  }
}
