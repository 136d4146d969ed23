import { ApiProperty } from '@nestjs/swagger';
import { IsString, ValidateBy } from 'class-validator';
import { financialYearBounds } from '@pz/rounds';

function IsFinancialYear(): PropertyDecorator {
  return ValidateBy({
    name: 'isFinancialYear',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && financialYearBounds(value) !== null,
      defaultMessage: () => '$property must be a UK financial year such as 2024-25 (1 April to 31 March)',
    },
  });
}

export class SummaryQueryDto {
  @ApiProperty({ example: '2024-25', description: 'UK financial year; a round\'s financial year decides where its applications count' })
  @IsString()
  @IsFinancialYear()
  financialYear: string;
}
