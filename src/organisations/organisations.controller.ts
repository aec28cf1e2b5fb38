import { Body, Controller, Get, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { auditActor } from '../audit/audit.service';
import { Authenticated, AuthenticatedUser, CurrentUser, Roles } from '../common/access';
import { ProblemDto } from '../common/problem.dto';
import { UuidParam } from '../common/validation';
import {
  CreateOrganisationDto,
  OrganisationDto,
  OrganisationPageDto,
  OrganisationQuery,
  PoliceForceAreaDto,
  UpdateOrganisationDto,
} from './organisation.dto';
import { OrganisationsService } from './organisations.service';
import { SendsLocation } from '../common/location';
import { Refuses } from '../openapi/refusals';

@ApiTags('organisations')
@Controller()
@ApiBadRequestResponse({ type: ProblemDto })
export class OrganisationsController {
  constructor(private readonly organisations: OrganisationsService) {}

  @Get('police-force-areas')
  @Authenticated()
  @ApiOperation({ summary: 'The police force areas of England and Wales' })
  @ApiOkResponse({ type: [PoliceForceAreaDto] })
  forceAreas(): Promise<PoliceForceAreaDto[]> {
    return this.organisations.listForceAreas();
  }

  @Get('organisations')
  @Authenticated()
  @ApiOperation({ summary: 'List organisations by name (an applicant sees only their own)' })
  @ApiOkResponse({ type: OrganisationPageDto })
  list(
    @CurrentUser() user: AuthenticatedUser,
    @Query() query: OrganisationQuery,
  ): Promise<OrganisationPageDto> {
    return this.organisations.list(user, query);
  }

  @Get('organisations/:id')
  @Authenticated()
  @ApiOperation({
    summary: "Read an organisation (another organisation's id answers 404 to an applicant)",
  })
  @ApiOkResponse({ type: OrganisationDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @Refuses('not-found')
  get(@CurrentUser() user: AuthenticatedUser, @UuidParam() id: string): Promise<OrganisationDto> {
    return this.organisations.get(user, id);
  }

  @Post('organisations')
  @SendsLocation(201, '/organisations/{id}')
  @Roles('admin')
  @ApiOperation({ summary: 'Register an organisation that may bid' })
  @ApiCreatedResponse({ type: OrganisationDto })
  @ApiConflictResponse({
    type: ProblemDto,
    description: 'Name taken, or the force area already has a PCC',
  })
  @ApiUnprocessableEntityResponse({ type: ProblemDto })
  @Refuses('organisation-exists', 'organisation-invalid')
  create(
    @CurrentUser() admin: AuthenticatedUser,
    @Body() body: CreateOrganisationDto,
  ): Promise<OrganisationDto> {
    return this.organisations.create(auditActor(admin), body);
  }

  @Patch('organisations/:id')
  @Roles('admin')
  @ApiOperation({ summary: 'Correct or deactivate an organisation' })
  @ApiOkResponse({ type: OrganisationDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto })
  @ApiUnprocessableEntityResponse({ type: ProblemDto })
  @Refuses('not-found', 'organisation-exists', 'organisation-invalid')
  update(
    @CurrentUser() admin: AuthenticatedUser,
    @UuidParam() id: string,
    @Body() body: UpdateOrganisationDto,
  ): Promise<OrganisationDto> {
    return this.organisations.update(auditActor(admin), id, body);
  }
}
