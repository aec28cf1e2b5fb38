import { ApiProperty } from '@nestjs/swagger';
import { RETENTION_KINDS, RetentionKind } from './retention.rules';

export class RetentionPreviewKindDto {
  @ApiProperty({ enum: RETENTION_KINDS })
  kind: RetentionKind;

  @ApiProperty({ example: 'RETENTION_UNFUNDED_BID_DAYS' })
  setting: string;

  @ApiProperty({ example: 730 })
  periodDays: number;

  @ApiProperty({ example: "the round's close" })
  countedFrom: string;

  @ApiProperty({ description: 'Records whose period counts from before this are due' })
  cutoff: Date;

  @ApiProperty({ description: 'How many records of this kind the next run would anonymise' })
  count: number;

  @ApiProperty({
    type: [String],
    description: 'Their ids (at most 500, in id order): never any personal data',
  })
  ids: string[];
}

export class RetentionPreviewDto {
  @ApiProperty({ description: 'The moment the periods are counted back from (now)' })
  asOf: Date;

  @ApiProperty({ type: [RetentionPreviewKindDto] })
  kinds: RetentionPreviewKindDto[];
}

export class ErasureDto {
  @ApiProperty({ format: 'uuid' })
  userId: string;

  @ApiProperty()
  erasedAt: Date;

  @ApiProperty({ description: 'True when the user had been erased before: nothing changed' })
  alreadyErased: boolean;
}
