import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit: number = 20;

  @ApiPropertyOptional({ minimum: 0, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000_000_000)
  offset: number = 0;
}

// A page of records about one object (an audit trail, the emails about a bid).
export class ObjectPageQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'funding_round' })
  @IsOptional()
  @IsString()
  @MaxLength(60)
  objectType?: string;

  @ApiPropertyOptional({ example: '6f1c5a8e-3b7a-4c1e-9a55-2f0f8c1d2e3a' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  objectId?: string;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export class PageMetaDto {
  @ApiProperty()
  total: number;

  @ApiProperty()
  limit: number;

  @ApiProperty()
  offset: number;
}
