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

  @ApiProperty({ description: 'Seconds until the token expires', example: 3600 })
  expiresIn: number;

  @ApiProperty({ type: UserDto })
  user: UserDto;
}
