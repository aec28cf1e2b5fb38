import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { SearchParam } from '../common/list-query';
import { trimString } from '../common/validation';
import { PageMetaDto, PageQuery } from '../common/pagination';
import { ORGANISATION_TYPES, OrganisationType } from './organisation.entity';

const present = (_dto: object, value: unknown) => value !== null && value !== undefined;

export class CreateOrganisationDto {
  @ApiProperty({ example: 'Police and Crime Commissioner for Northumbria', maxLength: 200 })
  @Transform(trimString)
  @IsString()
  @Length(2, 200)
  name: string;

  @ApiProperty({ enum: ORGANISATION_TYPES })
  @IsIn(ORGANISATION_TYPES, { message: `type must be one of ${ORGANISATION_TYPES.join(', ')}` })
  type: OrganisationType;

  @ApiPropertyOptional({
    example: 'E23000007',
    nullable: true,
    type: String,
    description: 'ONS code of the police force area; none only for btp',
  })
  @ValidateIf(present)
  @Matches(/^(E23|W15)\d{6}$/, {
    message: 'forceAreaCode must be an ONS police force area code such as E23000007',
  })
  forceAreaCode?: string | null;

  @ApiPropertyOptional({ example: '01234567', nullable: true, type: String })
  @ValidateIf(present)
  @Matches(/^[A-Z0-9]{8}$/, {
    message: 'companyNumber must be 8 characters (digits, or a prefix such as SC then digits)',
  })
  companyNumber?: string | null;

  @ApiPropertyOptional({ example: '1123456', nullable: true, type: String })
  @ValidateIf(present)
  @Matches(/^\d{6,8}(-\d{1,2})?$/, {
    message: 'charityNumber must be a registered charity number such as 1123456',
  })
  charityNumber?: string | null;

  @ApiPropertyOptional({
    example: 'E08000021',
    nullable: true,
    type: String,
    description: 'ONS GSS code',
  })
  @ValidateIf(present)
  @Matches(/^[EWSN]\d{8}$/, { message: 'gssCode must be an ONS GSS code such as E08000021' })
  gssCode?: string | null;

  @ApiPropertyOptional({
    example: 'https://www.northumbria-pcc.gov.uk',
    nullable: true,
    type: String,
  })
  @ValidateIf(present)
  @IsUrl(
    { require_protocol: true, protocols: ['https', 'http'] },
    { message: 'website must be a full http(s) URL' },
  )
  @MaxLength(300)
  website?: string | null;
}

export class UpdateOrganisationDto extends PartialType(CreateOrganisationDto) {
  @ApiPropertyOptional({ example: true })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class OrganisationQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ORGANISATION_TYPES })
  @IsOptional()
  @IsIn(ORGANISATION_TYPES)
  type?: OrganisationType;

  @ApiPropertyOptional({ example: 'E23000007' })
  @IsOptional()
  @Matches(/^(E23|W15)\d{6}$/, {
    message: 'forceAreaCode must be an ONS police force area code such as E23000007',
  })
  forceAreaCode?: string;

  @SearchParam('organisations whose name')
  q?: string;
}

export class OrganisationDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ enum: ORGANISATION_TYPES })
  type: OrganisationType;

  @ApiProperty({ nullable: true, type: String })
  forceAreaCode: string | null;

  @ApiProperty({ nullable: true, type: String })
  companyNumber: string | null;

  @ApiProperty({ nullable: true, type: String })
  charityNumber: string | null;

  @ApiProperty({ nullable: true, type: String })
  gssCode: string | null;

  @ApiProperty({ nullable: true, type: String })
  website: string | null;

  @ApiProperty()
  active: boolean;

  @ApiProperty()
  version: number;
}

export class OrganisationPageDto extends PageMetaDto {
  @ApiProperty({ type: [OrganisationDto] })
  items: OrganisationDto[];
}

export class PoliceForceAreaDto {
  @ApiProperty({ example: 'E23000007' })
  code: string;

  @ApiProperty({ example: 'Northumbria' })
  name: string;

  @ApiProperty({ example: 'England' })
  country: string;
}
