import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Public } from '@pz/platform';
import { Package360 } from '../domain/three-sixty-giving';
import { TransparencyService } from '../transparency.service';

@ApiTags('open data')
@Controller('open-data')
export class OpenDataController {
  constructor(private readonly transparency: TransparencyService) {}

  @Get('360giving.json')
  @Public()
  @ApiOperation({ summary: 'Every award as a 360Giving Data Standard 1.4 JSON package, amounts in pounds (public)' })
  json(): Promise<Package360> {
    return this.transparency.package();
  }

  @Get('360giving.csv')
  @Public()
  @Header('Content-Type', 'text/csv; charset=utf-8')
  @Header('Content-Disposition', 'attachment; filename="people-zones-grants-360giving.csv"')
  @ApiProduces('text/csv')
  @ApiOperation({ summary: "Every award with the 360Giving spreadsheet template's column titles, one grant a row (public)" })
  csv(): Promise<string> {
    return this.transparency.csv();
  }
}
