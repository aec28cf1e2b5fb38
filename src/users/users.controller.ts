import { Body, Controller, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
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
import { auditActor } from '../audit/audit.service';
import { AuthenticatedUser, CurrentUser, Roles } from '../common/access';
import { ProblemDto } from '../common/problem.dto';
import { UuidParam } from '../common/validation';
import {
  CreateUserDto,
  MembershipHistoryDto,
  UpdateUserDto,
  UserDto,
  UserPageDto,
  UserQuery,
} from './user.dto';
import { InvitationDto } from './account.dto';
import { Invitations } from './invitations';
import { UsersService } from './users.service';
import { SendsLocation } from '../common/location';
import { Refuses } from '../openapi/refusals';

@ApiTags('users')
@Controller('users')
@ApiBadRequestResponse({ type: ProblemDto })
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly invitations: Invitations,
  ) {}

  @Post()
  @SendsLocation(201, '/users/{id}')
  @Roles('admin')
  @ApiOperation({
    summary:
      'Create a user, who is emailed an invitation to choose their own password (status invited until they do)',
  })
  @ApiCreatedResponse({ type: UserDto })
  @ApiConflictResponse({ type: ProblemDto, description: 'The email is taken' })
  @ApiUnprocessableEntityResponse({
    type: ProblemDto,
    description: 'Role and organisation do not fit',
  })
  @Refuses('email-refused', 'email-taken', 'user-organisation-invalid')
  create(@CurrentUser() admin: AuthenticatedUser, @Body() body: CreateUserDto): Promise<UserDto> {
    return this.users.create(auditActor(admin), body);
  }

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: 'List users by email, filtered by role, organisation or active flag' })
  @ApiOkResponse({ type: UserPageDto })
  list(@Query() query: UserQuery): Promise<UserPageDto> {
    return this.users.list(query);
  }

  @Get(':id')
  @Roles('admin')
  @ApiOperation({ summary: 'Read a user' })
  @ApiOkResponse({ type: UserDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @Refuses('not-found')
  get(@UuidParam() id: string): Promise<UserDto> {
    return this.users.get(id);
  }

  @Get(':id/history')
  @Roles('admin')
  @ApiOperation({
    summary: "A user's roles and organisations over time, with who changed them and when",
  })
  @ApiOkResponse({ type: MembershipHistoryDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @Refuses('not-found')
  async history(@UuidParam() id: string): Promise<MembershipHistoryDto> {
    return { items: await this.users.history(id) };
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOperation({ summary: "Change a user's name, role or organisation" })
  @ApiOkResponse({ type: UserDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiUnprocessableEntityResponse({ type: ProblemDto })
  @ApiForbiddenResponse({
    type: ProblemDto,
    description: 'Your own role or organisation',
  })
  @Refuses('not-found', 'own-role-change', 'user-organisation-invalid')
  update(
    @CurrentUser() admin: AuthenticatedUser,
    @UuidParam() id: string,
    @Body() body: UpdateUserDto,
  ): Promise<UserDto> {
    return this.users.update(auditActor(admin), id, body);
  }

  @Post(':id/invitation')
  @SendsLocation(201, '/users/{userId}')
  @Roles('admin')
  @ApiOperation({
    summary:
      'Send the user a new invitation; the link of any earlier one stops working (not once they have accepted, nor while deactivated)',
  })
  @ApiCreatedResponse({ type: InvitationDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiConflictResponse({
    type: ProblemDto,
    description: 'Already accepted or deactivated',
  })
  @Refuses('email-refused', 'invitation-already-accepted', 'not-found', 'user-inactive')
  resendInvitation(
    @CurrentUser() admin: AuthenticatedUser,
    @UuidParam() id: string,
  ): Promise<InvitationDto> {
    return this.invitations.resend(auditActor(admin), id);
  }

  @Post(':id/deactivate')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Deactivate a user: their tokens stop working at once' })
  @ApiOkResponse({ type: UserDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto })
  @Refuses('cannot-deactivate-self', 'not-found', 'user-already-active', 'user-already-inactive')
  deactivate(@CurrentUser() admin: AuthenticatedUser, @UuidParam() id: string): Promise<UserDto> {
    return this.users.setActive(auditActor(admin), id, false);
  }

  @Post(':id/reactivate')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Reactivate a deactivated user' })
  @ApiOkResponse({ type: UserDto })
  @ApiNotFoundResponse({ type: ProblemDto })
  @ApiConflictResponse({ type: ProblemDto })
  @Refuses('cannot-deactivate-self', 'not-found', 'user-already-active', 'user-already-inactive')
  reactivate(@CurrentUser() admin: AuthenticatedUser, @UuidParam() id: string): Promise<UserDto> {
    return this.users.setActive(auditActor(admin), id, true);
  }
}
