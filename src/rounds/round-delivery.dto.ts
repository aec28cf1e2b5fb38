import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';
import { trimString } from '../common/validation';

// Starting a round's delivery (POST /rounds/{id}/start-delivery).
export class StartDeliveryDto {
  @ApiPropertyOptional({
    default: false,
    example: true,
    description: 'Start delivery although some grant offers are still open (needs a reason)',
  })
  @IsOptional()
  @IsBoolean()
  confirmOpenOffers?: boolean;

  @ApiPropertyOptional({
    maxLength: 2000,
    example: 'Two recipients asked for more time; delivery of the others cannot wait.',
    description: 'Why delivery starts with offers open; required with confirmOpenOffers, audited',
  })
  @IsOptional()
  @Transform(trimString)
  @IsString()
  @MaxLength(2000)
  reason?: string;
}
