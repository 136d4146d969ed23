import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsNotIn,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { MAX_PENCE } from '@pz/platform/domain';

export class CriterionDto {
  @ApiProperty({ example: 'sustainability' })
  @IsString()
  @Matches(/^[a-z][a-z0-9-]{0,39}$/, { message: 'key must be lower-case letters, digits and hyphens' })
  // Scores are sent as { <key>: 0..5 }, where these names are refused as prototype keys: never scorable.
  @IsNotIn(['constructor', 'prototype'], { message: 'key must not be constructor or prototype' })
  key: string;

  @ApiProperty({ example: 'Sustainability beyond the grant' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  title: string;

  @ApiProperty({ example: 3, minimum: 1, maximum: 10 })
  @IsInt()
  @Min(1)
  @Max(10)
  weight: number;
}

export class ScheduleRoundDto {
  @ApiProperty({ example: 'People Zones Grants — Round 1' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @ApiProperty({ example: '2024-25', description: 'UK financial year (1 April to 31 March)' })
  @Matches(/^\d{4}-\d{2}$/, { message: 'financialYear must look like 2024-25' })
  financialYear: string;

  @ApiProperty({ enum: ['standard', 'collaborative'] })
  @IsIn(['standard', 'collaborative'])
  kind: 'standard' | 'collaborative';

  @ApiProperty({ type: [String], example: ['bell-foundry'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsString({ each: true })
  zones: string[];

  @ApiProperty({ type: [String], example: ['Pride of Place', 'Community Safety'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  themes: string[];

  @ApiProperty({ example: '2024-06-03T09:00:00Z' })
  @IsISO8601({ strict: true })
  opensAt: string;

  @ApiProperty({ example: '2024-07-01T17:00:00Z' })
  @IsISO8601({ strict: true })
  closesAt: string;

  @ApiProperty({ example: 4000000, description: 'Whole pence' })
  @IsInt()
  @Min(1)
  @Max(MAX_PENCE)
  budgetPence: number;

  @ApiPropertyOptional({ example: 1000000, description: 'Largest single award, whole pence' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_PENCE)
  maxAwardPence?: number;

  @ApiPropertyOptional({
    type: [CriterionDto],
    description: 'Scoring criteria; default: need, outcomes, deliverability, value for money, sustainability (weighted highest)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  // Each item an object: ValidateNested alone lets arrays of arrays ([[]], [[{...}]]) through.
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => CriterionDto)
  criteria?: CriterionDto[];
}
