import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { trimString } from '../common/validation';
import { IsAcceptablePassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './password.rules';

const NEW_PASSWORD = {
  minLength: PASSWORD_MIN_LENGTH,
  maxLength: PASSWORD_MAX_LENGTH,
  description:
    `${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters; refused when blank, only ` +
    'digits, a short pattern repeated (aaaa…, abab…), a run such as abcd… or 1234…, or one of ' +
    'the most common passwords. No other rules: three random words make a good one',
  example: 'correct horse battery staple',
};

const TOKEN = {
  maxLength: 200,
  description: 'The `token` query parameter of the link in the email',
  example: 'bac194fb-d96d-4ff0-b356-163f95caa018.ynehGTD4KnwSqky3EtVb2e9j2xvMbULvDx79wcJDG6A',
};

export class AcceptInvitationDto {
  @ApiProperty(TOKEN)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  token: string;

  @ApiProperty(NEW_PASSWORD)
  @IsString()
  @IsAcceptablePassword()
  password: string;
}

export class CompletePasswordResetDto extends AcceptInvitationDto {}

export class PasswordResetRequestDto {
  @ApiProperty({ example: 'j.smith@northumbria-pcc.example', maxLength: 254 })
  @Transform(trimString)
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email: string;
}

export class ChangePasswordDto {
  // Not the demo password: trying the documented example as a demo user would change it, and
  // with it end every one of that user's sessions.
  @ApiProperty({ example: 'Your-Current-Password', maxLength: PASSWORD_MAX_LENGTH })
  @IsString()
  @IsNotEmpty()
  @MaxLength(PASSWORD_MAX_LENGTH)
  currentPassword: string;

  @ApiProperty(NEW_PASSWORD)
  @IsString()
  @IsAcceptablePassword()
  newPassword: string;
}

export class InvitationDto {
  @ApiProperty({ format: 'uuid' })
  userId: string;

  @ApiProperty({ description: 'Where the invitation was sent' })
  email: string;

  @ApiProperty({
    format: 'date-time',
    description: 'The link works until then; earlier invitations no longer work',
  })
  expiresAt: Date;
}

export class PasswordResetRequestedDto {
  @ApiProperty({
    example:
      'If an account uses this email, a link to reset its password is on its way. It works once, for 30 minutes.',
  })
  message: string;
}
