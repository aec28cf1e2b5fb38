import { Body, Controller, Get, HttpCode, Post, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { auditActor } from '../audit/audit.service';
import { AuthenticatedUser, CurrentUser, Roles } from '../common/access';
import { SendsLocation } from '../common/location';
import { ProblemDto } from '../common/problem.dto';
import { SendsAttachment } from '../common/response-headers';
import { UuidParam } from '../common/validation';
import {
  RefuseVariationDto,
  RequestVariationDto,
  VariationDto,
  VariationListDto,
} from './variation.dto';
import { VARIATION_RULES } from './variation.rules';
import { VariationReadsService } from './variation-reads.service';
import { VariationsService } from './variations.service';
import { Refuses } from '../openapi/refusals';

const READERS = ['applicant', 'approver', 'moderator', 'finance', 'admin'] as const;
// Approving (first or second approval) checks the variation against the rules again.
const APPROVAL_REFUSALS = [
  'award-not-active',
  'conflict-of-interest',
  'email-refused',
  'not-found',
  'round-closed-out',
  'variation-not-open',
  ...VARIATION_RULES,
] as const;

// Variations of active awards: the funded organisation asks, approvers decide.
@ApiTags('variations')
@Controller()
@ApiBadRequestResponse({ type: ProblemDto })
@ApiNotFoundResponse({ type: ProblemDto })
export class VariationsController {
  constructor(
    private readonly variations: VariationsService,
    private readonly reads: VariationReadsService,
  ) {}

  @Post('awards/:id/variations')
  @SendsLocation(201, '/variations/{id}')
  @Roles('applicant')
  @ApiOperation({
    operationId: 'requestVariation',
    summary:
      'Ask to vary an active award: a reason and its whole quarterly profile after the change, with a later delivery end or new output targets if wanted',
  })
  @ApiCreatedResponse({ type: VariationDto })
  @ApiConflictResponse({
    type: ProblemDto,
    description: 'The award is not active in a round in delivery, or a variation is already open',
  })
  @ApiUnprocessableEntityResponse({
    type: ProblemDto,
    description:
      'Breaks a rule: over the award, money into another financial year, a submitted or approved quarter changed, below what is claimed, an extension past the last funded year',
  })
  @Refuses(
    'award-not-active',
    'not-found',
    'round-closed-out',
    'variation-already-open',
    ...VARIATION_RULES,
  )
  request(
    @CurrentUser() user: AuthenticatedUser,
    @UuidParam() id: string,
    @Body() body: RequestVariationDto,
  ): Promise<VariationDto> {
    return this.variations.request(auditActor(user), user, id, body);
  }

  @Get('awards/:id/variations')
  @Roles(...READERS)
  @ApiOperation({
    operationId: 'listVariations',
    summary: 'The award’s variations, oldest first, with what each changed',
  })
  @ApiOkResponse({ type: VariationListDto })
  @Refuses('not-found', 'round-closed-out')
  async list(
    @CurrentUser() user: AuthenticatedUser,
    @UuidParam() id: string,
  ): Promise<VariationListDto> {
    return { items: await this.reads.list(user, id) };
  }

  @Get('variations/:id')
  @Roles(...READERS)
  @ApiOperation({ operationId: 'getVariation', summary: 'One variation' })
  @ApiOkResponse({ type: VariationDto })
  @Refuses('not-found', 'round-closed-out')
  get(@CurrentUser() user: AuthenticatedUser, @UuidParam() id: string): Promise<VariationDto> {
    return this.reads.get(user, id);
  }

  @Post('variations/:id/approve')
  @HttpCode(200)
  @Roles('approver')
  @ApiOperation({
    operationId: 'approveVariation',
    summary:
      'Approve a requested variation: it applies from now, or, when the award after it is above the round’s approval threshold, waits for a second approver',
  })
  @ApiOkResponse({ type: VariationDto })
  @ApiForbiddenResponse({ type: ProblemDto, description: 'Tied to the bid (separation of duties)' })
  @ApiConflictResponse({ type: ProblemDto, description: 'Not requested, or the award not active' })
  @ApiUnprocessableEntityResponse({
    type: ProblemDto,
    description: 'No longer fits the rules (a return approved since the request)',
  })
  @Refuses(...APPROVAL_REFUSALS)
  approve(@CurrentUser() user: AuthenticatedUser, @UuidParam() id: string): Promise<VariationDto> {
    return this.variations.approve(auditActor(user), user, id);
  }

  @Post('variations/:id/confirm')
  @HttpCode(200)
  @Roles('approver')
  @ApiOperation({
    operationId: 'confirmVariation',
    summary: 'Give the second approval of a variation above the threshold: it applies from now',
  })
  @ApiOkResponse({ type: VariationDto })
  @ApiForbiddenResponse({
    type: ProblemDto,
    description: 'The first approver, or tied to the bid (separation of duties)',
  })
  @ApiConflictResponse({ type: ProblemDto, description: 'Not awaiting a second approval' })
  @ApiUnprocessableEntityResponse({ type: ProblemDto, description: 'No longer fits the rules' })
  @Refuses(...APPROVAL_REFUSALS, 'second-approver-must-differ')
  confirm(@CurrentUser() user: AuthenticatedUser, @UuidParam() id: string): Promise<VariationDto> {
    return this.variations.confirm(auditActor(user), user, id);
  }

  @Post('variations/:id/refuse')
  @HttpCode(200)
  @Roles('approver')
  @ApiOperation({
    operationId: 'refuseVariation',
    summary: 'Refuse a variation waiting for a decision, with a reason the bidder is emailed',
  })
  @ApiOkResponse({ type: VariationDto })
  @ApiForbiddenResponse({ type: ProblemDto, description: 'Tied to the bid (separation of duties)' })
  @ApiConflictResponse({ type: ProblemDto, description: 'Already decided or withdrawn' })
  @Refuses(
    'award-not-active',
    'conflict-of-interest',
    'email-refused',
    'not-found',
    'round-closed-out',
    'variation-not-open',
  )
  refuse(
    @CurrentUser() user: AuthenticatedUser,
    @UuidParam() id: string,
    @Body() body: RefuseVariationDto,
  ): Promise<VariationDto> {
    return this.variations.refuse(auditActor(user), user, id, body);
  }

  @Post('variations/:id/withdraw')
  @HttpCode(200)
  @Roles('applicant')
  @ApiOperation({
    operationId: 'withdrawVariation',
    summary: 'Take back the organisation’s variation request before it takes effect',
  })
  @ApiOkResponse({ type: VariationDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'Already decided or withdrawn' })
  @Refuses('award-not-active', 'not-found', 'round-closed-out', 'variation-not-open')
  withdraw(@CurrentUser() user: AuthenticatedUser, @UuidParam() id: string): Promise<VariationDto> {
    return this.variations.withdraw(auditActor(user), user, id);
  }

  @Get('variations/:id/letter')
  @SendsAttachment('attachment; filename="variation-<reference>-<id>.html"')
  @Roles(...READERS)
  @ApiOperation({
    operationId: 'downloadVariationLetter',
    summary:
      'Download the variation letter of an approved variation (printable HTML): the grant before and after, its quarterly profile, delivery and returns',
  })
  @ApiOkResponse({
    description: 'The letter, as an HTML attachment',
    content: { 'text/html': { schema: { type: 'string' } } },
  })
  @ApiConflictResponse({ type: ProblemDto, description: 'Not approved' })
  @Refuses('not-found', 'round-closed-out', 'variation-not-approved')
  async letter(
    @CurrentUser() user: AuthenticatedUser,
    @UuidParam() id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const { filename, html } = await this.reads.letter(user, id);
    reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-disposition', `attachment; filename="${filename}"`);
    return html;
  }
}
