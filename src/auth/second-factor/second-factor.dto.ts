import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, Matches, MaxLength, ValidateBy, ValidateIf } from 'class-validator';
import { RECOVERY_CODE_PATTERN, SECOND_FACTOR_METHODS } from './second-factor.rules';

// Spaces inside a code are how apps show it ("123 456"), not part of it.
const withoutSpaces = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.replace(/\s+/g, '') : value;
const CODE_MESSAGE = 'code must be the 6 digits your authenticator app shows now';

export class SecondFactorChallengeDto {
  @ApiProperty({
    description:
      'Send back with a code to POST /api/v1/auth/login/second-factor; valid for expiresIn seconds',
  })
  challenge: string;

  @ApiProperty({ example: 300 })
  expiresIn: number;

  @ApiProperty({ enum: SECOND_FACTOR_METHODS, isArray: true, example: SECOND_FACTOR_METHODS })
  methods: (typeof SECOND_FACTOR_METHODS)[number][];
}

export class CompleteSecondFactorDto {
  @ApiProperty({
    description: 'The challenge the password step answered',
    maxLength: 2000,
    example:
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJmZWQwNTE2Yy1kMzc3LTQ2ZTgtYTAyYy05ODllNmMwODQ1MTAiLCJhdWQiOiJzZWNvbmQtZmFjdG9yIiwiZXhwIjoxNzk2MTY0MDAwfQ.Xq3n0yb8cT1Zk2m5Jv7pW4sHd9LfR6aGuE0iNoYtBcM',
  })
  @IsString()
  @MaxLength(2000)
  challenge: string;

  @ApiPropertyOptional({
    example: '123456',
    description: 'The code the authenticator app shows now (or send recoveryCode instead)',
  })
  @Transform(withoutSpaces)
  @ValidateIf((dto: CompleteSecondFactorDto) => dto.recoveryCode === undefined)
  @IsString({ message: CODE_MESSAGE })
  @Matches(/^\d{6}$/, { message: CODE_MESSAGE })
  code?: string;

  @ApiPropertyOptional({
    example: 'K7Q2M-9XH4D',
    description: 'One of the recovery codes given at enrolment, for a lost device; each works once',
  })
  @ValidateIf((dto: CompleteSecondFactorDto) => dto.recoveryCode !== undefined)
  @IsString()
  @Matches(RECOVERY_CODE_PATTERN, {
    message:
      'recoveryCode must be one of your recovery codes: ten letters and digits, like K7Q2M-9XH4D',
  })
  @ValidateBy({
    name: 'notWithCode',
    validator: {
      validate: (_value, args) => (args?.object as CompleteSecondFactorDto).code === undefined,
      defaultMessage: () => 'send either code or recoveryCode, not both',
    },
  })
  recoveryCode?: string;
}

export class ConfirmSecondFactorDto {
  @ApiProperty({ example: '123456', description: 'A code the authenticator app shows now' })
  @Transform(withoutSpaces)
  @IsString({ message: CODE_MESSAGE })
  @Matches(/^\d{6}$/, { message: CODE_MESSAGE })
  code: string;
}

export class SecondFactorEnrolmentDto {
  @ApiProperty({
    example:
      'otpauth://totp/Safer%20Streets%20grants:jo%40homeoffice.example?secret=JBSWY3DPEHPK3PXP&issuer=Safer%20Streets%20grants',
    description: 'Show as a QR code for an authenticator app to scan',
  })
  otpauthUri: string;

  @ApiProperty({
    example: 'JBSWY3DPEHPK3PXP',
    description: 'The same secret in base32, for typing into an app that cannot scan',
  })
  secret: string;

  @ApiProperty({
    type: [String],
    example: ['K7Q2M-9XH4D'],
    description:
      'Ten single-use codes for a lost device. Shown this once: the service keeps only their hashes',
  })
  recoveryCodes: string[];
}
