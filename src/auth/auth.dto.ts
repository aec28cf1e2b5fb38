import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { trimString } from '../common/validation';
import { UserDto } from '../users/user.dto';

export class LoginDto {
  @ApiProperty({ example: 'admin@demo.test' })
  @Transform(trimString)
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email: string;

  @ApiProperty({ example: 'Demo-Password-2026' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  password: string;
}

export class TokenDto {
  @ApiProperty({ description: 'Send as `Authorization: Bearer <accessToken>`' })
  accessToken: string;

  @ApiProperty({ example: 'Bearer' })
  tokenType: 'Bearer';

  @ApiProperty({ description: 'Seconds until the access token expires', example: 900 })
  expiresIn: number;

  @ApiProperty({
    description:
      'Exchange at POST /api/v1/auth/refresh for the next tokens; good once (using it twice ends the session)',
  })
  refreshToken: string;

  @ApiProperty({
    description:
      'Seconds the refresh token stays usable: the idle timeout, or less near the end of the session',
    example: 1800,
  })
  refreshExpiresIn: number;

  @ApiProperty({ format: 'uuid', description: 'The session, as listed at GET /api/v1/me/sessions' })
  sessionId: string;

  @ApiProperty({ type: UserDto })
  user: UserDto;
}
