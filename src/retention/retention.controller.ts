import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { auditActor } from '../audit/audit.service';
import { AuthenticatedUser, CurrentUser, Roles } from '../common/access';
import { ProblemDto } from '../common/problem.dto';
import { UuidParam } from '../common/validation';
import { ErasureDto, RetentionPreviewDto } from './retention.dto';
import { RetentionService } from './retention.service';
import { Refuses } from '../openapi/refusals';

@ApiTags('retention')
@Controller()
export class RetentionController {
  constructor(private readonly retention: RetentionService) {}

  @Get('retention/preview')
  @Roles('admin')
  @ApiOperation({
    operationId: 'previewRetention',
    summary:
      'Dry run of the daily retention job: per kind of record, its period, how many records and which ids would lose their personal data now',
  })
  @ApiOkResponse({ type: RetentionPreviewDto })
  async preview(): Promise<RetentionPreviewDto> {
    const asOf = new Date();
    return { asOf, kinds: await this.retention.preview(asOf) };
  }

  @Post('users/:id/erase')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    operationId: 'eraseUser',
    summary:
      "Erase a deactivated user's personal data on request: name, email, password, second factor, sessions and links go; the user row and every record pointing at it stay",
  })
  @ApiOkResponse({ type: ErasureDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiForbiddenResponse({ type: ProblemDto, description: 'Your own account' })
  @ApiConflictResponse({
    type: ProblemDto,
    description: 'The user is active: deactivate them first',
  })
  @Refuses('not-found', 'own-erasure', 'user-active')
  erase(@CurrentUser() admin: AuthenticatedUser, @UuidParam() id: string): Promise<ErasureDto> {
    return this.retention.erase(auditActor(admin), id);
  }
}
