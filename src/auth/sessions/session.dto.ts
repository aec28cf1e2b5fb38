import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { PageMetaDto } from '../../common/pagination';
import type { SignInMethod } from '../auth.service';

const SIGN_IN_METHODS: SignInMethod[] = ['password', 'second-factor', 'sso'];

export class RefreshDto {
  @ApiProperty({
    description: 'The refreshToken of the last answer from login or refresh; each is good once',
    maxLength: 200,
    example: 'ah1FyB-7XhM6DZShUxQEQrTf819lpmk-FzKAamvvK6s',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  refreshToken: string;
}

export class SessionDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The browser or program it was begun from (its User-Agent), shortened',
  })
  deviceLabel: string | null;

  @ApiProperty({ enum: SIGN_IN_METHODS, description: 'How the sign-in was proven' })
  method: SignInMethod;

  @ApiProperty({ description: 'The address it was signed in from', example: '203.0.113.7' })
  address: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: Date;

  @ApiProperty({ format: 'date-time', description: 'Sign-in or last refresh' })
  lastUsedAt: Date;

  @ApiProperty({ description: 'The session this request was made with' })
  current: boolean;
}

export class SessionPageDto extends PageMetaDto {
  @ApiProperty({ type: [SessionDto] })
  items: SessionDto[];
}

export class EndedSessionsDto {
  @ApiProperty({ description: 'How many live sessions were ended', example: 2 })
  sessionsEnded: number;
}
