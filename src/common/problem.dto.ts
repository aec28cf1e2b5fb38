import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class FieldErrorDto {
  @ApiProperty({ example: 'closesAt' })
  field: string;

  @ApiProperty({ example: 'closesAt must be after opensAt' })
  message: string;
}

export class ProblemDto {
  @ApiProperty({ example: 'urn:safer-streets:problem:validation-failed' })
  type: string;

  @ApiProperty({ example: 'Bad Request' })
  title: string;

  @ApiProperty({ example: 400 })
  status: number;

  @ApiProperty({ example: 'The request has invalid fields; see errors.' })
  detail: string;

  @ApiProperty({ example: 'validation-failed', description: 'Stable machine-readable code' })
  code: string;

  @ApiPropertyOptional({ example: '/api/v1/rounds' })
  instance?: string;

  @ApiPropertyOptional({
    example: '3f1c2a9e-5b7d-4e8f-9a0b-1c2d3e4f5a6b',
    description:
      "This request's id: the X-Request-Id header sent, when valid, or one made by the server; " +
      'the same value is in the X-Request-Id response header and in the server logs',
  })
  requestId?: string;

  @ApiPropertyOptional({ type: [FieldErrorDto] })
  errors?: FieldErrorDto[];

  @ApiPropertyOptional({
    example: 12,
    description: 'How many more field errors were found than errors lists (it lists at most 50)',
  })
  omittedErrors?: number;
}
