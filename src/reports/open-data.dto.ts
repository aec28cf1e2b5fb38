import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';

export class OpenDataQuery {
  @ApiProperty({ example: 'SSF5', description: 'The round’s code' })
  @Matches(/^[A-Za-z0-9-]{1,40}$/, { message: 'round must be a round code such as SSF5' })
  round: string;

  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json' })
  @IsOptional()
  @IsIn(['json', 'csv'], { message: 'format must be json or csv' })
  format?: 'json' | 'csv';
}
